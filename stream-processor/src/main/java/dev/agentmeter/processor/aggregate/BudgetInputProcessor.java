package dev.agentmeter.processor.aggregate;

import dev.agentmeter.model.Budget;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.validation.BudgetValidator;
import dev.agentmeter.model.validation.ContractReader;
import dev.agentmeter.model.validation.Violation;
import dev.agentmeter.processor.reject.RecordRejected;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Budgets topic → scope inputs. The scope comes from the value (keys are not trusted); only a
 * tombstone's key names the scope it deletes. Records go out at timestamp 0 so that publishing a
 * budget never moves stream time (which would make usage events look late). A budget that cannot
 * be read or breaks the contract's rules ({@link BudgetValidator}) is rejected (to the rejected
 * topic, with the reason): the scope keeps the budget it had.
 */
public final class BudgetInputProcessor implements Processor<String, byte[], String, List<ScopeInput>> {

    private static final ContractReader<Budget> READER = ContractReader.of(Budget.class);
    private ProcessorContext<String, List<ScopeInput>> context;

    @Override
    public void init(ProcessorContext<String, List<ScopeInput>> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            Scope scope;
            try {
                scope = Scope.parse(record.key());
            } catch (IllegalArgumentException e) {
                throw new RecordRejected(new Violation(
                        "key",
                        "scope",
                        "a budget tombstone's key must be the scope it" + " deletes (TYPE:ID): " + e.getMessage()));
            }
            context.forward(new Record<>(scope.toString(), List.of(ScopeInput.budget(scope, null)), 0L));
            return;
        }
        ContractReader.Read<Budget> read = READER.read(record.value());
        if (!read.ok()) {
            throw new RecordRejected(read.violation());
        }
        Budget budget = read.value();
        List<Violation> violations = BudgetValidator.validate(budget);
        if (!violations.isEmpty()) {
            throw new RecordRejected(new Violation(
                    violations.get(0).field(),
                    violations.get(0).rule(),
                    violations.stream().map(Violation::message).collect(Collectors.joining("; "))));
        }
        context.forward(
                new Record<>(budget.scope().toString(), List.of(ScopeInput.budget(budget.scope(), budget)), 0L));
    }
}
