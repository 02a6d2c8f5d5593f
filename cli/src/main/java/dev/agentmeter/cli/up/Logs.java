package dev.agentmeter.cli.up;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Logging while the pipeline runs in this JVM: every library's log (Kafka broker and clients,
 * Connect, Jetty, PostgreSQL's driver) goes to a rotated file under the data directory, at INFO, for
 * whoever needs to find out what happened; the console keeps the progress line and agentmeter's own
 * warnings and errors.
 */
final class Logs {

    static final String FILE = "agentmeter.log";

    private Logs() {}

    /** Reconfigures logging; returns the log file. */
    static Path toFile(Path logDir) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();

        Path file = logDir.resolve(FILE).toAbsolutePath();
        RollingFileAppender<ILoggingEvent> rolling = new RollingFileAppender<>();
        rolling.setContext(context);
        rolling.setName("FILE");
        rolling.setFile(file.toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(rolling);
        policy.setFileNamePattern(logDir.toAbsolutePath() + "/agentmeter.%d{yyyy-MM-dd}.%i.log.gz");
        policy.setMaxFileSize(FileSize.valueOf("20MB"));
        policy.setMaxHistory(7);
        policy.setTotalSizeCap(FileSize.valueOf("200MB"));
        policy.start();
        rolling.setRollingPolicy(policy);
        rolling.setEncoder(encoder(context, "%d{ISO8601} %-5level [%thread] %logger: %msg%n"));
        rolling.start();

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setTarget("System.err");
        console.setEncoder(encoder(context, "%d{HH:mm:ss} %-5level %logger{0}: %msg%n"));
        console.addFilter(new OwnWarnings());
        console.start();

        root.setLevel(Level.INFO);
        root.addAppender(rolling);
        root.addAppender(console);
        return file;
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    /** Lets through agentmeter's own warnings and errors only. */
    private static final class OwnWarnings extends Filter<ILoggingEvent> {
        @Override
        public FilterReply decide(ILoggingEvent event) {
            return event.getLevel().isGreaterOrEqual(Level.WARN)
                            && event.getLoggerName().startsWith("dev.agentmeter")
                    ? FilterReply.NEUTRAL
                    : FilterReply.DENY;
        }
    }
}
