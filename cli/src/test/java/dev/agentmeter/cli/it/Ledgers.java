package dev.agentmeter.cli.it;

import dev.agentmeter.embedded.PostgresExtension;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.sink.schema.SchemaMigrator;
import dev.agentmeter.sink.write.PostgresWriter;
import dev.agentmeter.sink.write.UsageRows;
import java.util.List;

/** A fresh database with the sink's schema and the given priced rows, written as the sink writes them. */
public final class Ledgers {

    private Ledgers() {}

    /** Returns the new database's JDBC URL. */
    public static String create(PostgresExtension pg, String name, List<PricedUsage> rows) throws Exception {
        String url = pg.createDatabase(name);
        SchemaMigrator schema = new SchemaMigrator("agent_usage", "budget_alerts");
        schema.migrate(url, null, null);
        try (PostgresWriter writer = new PostgresWriter(url, null, null, schema)) {
            writer.write(UsageRows.table("agent_usage"), rows, p -> p.event().timestamp());
        }
        return url;
    }
}
