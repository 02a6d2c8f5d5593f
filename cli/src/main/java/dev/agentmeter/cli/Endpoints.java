package dev.agentmeter.cli;

import picocli.CommandLine.Option;

/**
 * Where the pipeline runs. The defaults are what {@code agentmeter up} starts locally, so every
 * command works against it without flags.
 */
public final class Endpoints {

    public static final int LOCAL_KAFKA_PORT = 19092;
    public static final int LOCAL_PG_PORT = 15432;
    public static final int LOCAL_PROCESSOR_PORT = 7070;
    public static final String LOCAL_KAFKA = "localhost:" + LOCAL_KAFKA_PORT;
    public static final String LOCAL_PG = "jdbc:postgresql://localhost:" + LOCAL_PG_PORT + "/postgres?user=postgres";
    public static final String LOCAL_PROCESSOR = "http://localhost:" + LOCAL_PROCESSOR_PORT;

    @Option(
            names = "--kafka",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:AGENTMETER_KAFKA:-" + LOCAL_KAFKA + "}",
            description = "Kafka bootstrap servers (env AGENTMETER_KAFKA; default ${DEFAULT-VALUE}).")
    public String kafka;

    @Option(
            names = "--pg-url",
            paramLabel = "JDBC_URL",
            defaultValue = "${env:AGENTMETER_PG_URL:-" + LOCAL_PG + "}",
            description = "PostgreSQL JDBC URL incl. credentials (env AGENTMETER_PG_URL; default ${DEFAULT-VALUE}).")
    public String pgUrl;

    @Option(
            names = "--processor",
            paramLabel = "URL",
            defaultValue = "${env:AGENTMETER_PROCESSOR:-" + LOCAL_PROCESSOR + "}",
            description =
                    "Stream processor HTTP address for live queries (env AGENTMETER_PROCESSOR; default ${DEFAULT-VALUE}).")
    public String processor;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            defaultValue = "${env:AGENTMETER_TOKEN}",
            description = "Bearer token of the processor's query API, when it asks for one (env AGENTMETER_TOKEN;"
                    + " prefer the variable: a flag shows in the process list).")
    public String token;
}
