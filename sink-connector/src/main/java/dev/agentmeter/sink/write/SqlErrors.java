package dev.agentmeter.sink.write;

import java.sql.SQLException;

/** Sorts database failures into: bad data (isolate the row), transient (retry), anything else (fail). */
public final class SqlErrors {

    private SqlErrors() {}

    /**
     * A row the database refuses for its content (class 22 data exception, 23 constraint violation,
     * 54000 a value beyond a limit such as an index row's size): retrying cannot help, isolating the
     * row can.
     */
    public static boolean isBadData(Throwable failure) {
        String state = sqlState(failure);
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.equals("54000"));
    }

    /**
     * The database is unreachable, restarting, out of resources or resolved a conflict by aborting
     * us: the same batch will succeed later.
     */
    public static boolean isTransient(Throwable failure) {
        SQLException sql = find(failure);
        if (sql == null) {
            return false;
        }
        String state = sql.getSQLState();
        return state == null
                || state.startsWith("08") // connection exception
                || state.startsWith("53") // insufficient resources
                || state.startsWith("57") // operator intervention: shutdown, cannot connect now
                || state.startsWith("40") // serialization failure, deadlock
                || state.equals("55P03"); // lock not available
    }

    public static String sqlState(Throwable failure) {
        SQLException sql = find(failure);
        return sql == null ? null : sql.getSQLState();
    }

    private static SQLException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }
}
