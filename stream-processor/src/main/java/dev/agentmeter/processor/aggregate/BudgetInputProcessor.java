package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.json.ContractJson;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budgets topic → scope inputs. The scope comes from the value (keys are not trusted); only a
 * tombstone's key names the scope it deletes. Records go out at timestamp 0 so that publishing a
 * budget never moves stream time (which would make usage events look late). Bad entries are
 * logged and skipped.
 */
public final class BudgetInputProcessor implements Processor<String, byte[], String, List<ScopeInput>> {

    private static final Logger log = LoggerFactory.getLogger(BudgetInputProcessor.class);
    private ProcessorContext<String, List<ScopeInput>> context;

    @Override
    public void init(ProcessorContext<String, List<ScopeInput>> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        try {
            if (record.value() == null) {
                Scope scope = Scope.parse(record.key());
                context.forward(new Record<>(scope.toString(), List.of(ScopeInput.budget(scope, null)), 0L));
                return;
            }
            Budget budget = ContractJson.mapper().readValue(record.value(), Budget.class);
            if (budget.scope() == null) {
                log.warn("budget '{}' ignored: it names no scope", record.key());
                return;
            }
            context.forward(new Record<>(budget.scope().toString(), List.of(ScopeInput.budget(budget.scope(), budget)),
                    0L));
        } catch (IOException | IllegalArgumentException e) {
            log.warn("budget '{}' ignored: {}", record.key(), e.getMessage());
        }
    }
}
