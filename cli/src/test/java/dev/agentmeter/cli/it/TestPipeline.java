package dev.agentmeter.cli.it;

import dev.agentmeter.cli.up.LocalPipeline;
import dev.agentmeter.embedded.FreePorts;
import dev.agentmeter.embedded.KafkaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** The pipeline {@code up} runs, on the tests' in-JVM broker and a database of their own, for the pipeline ITs. */
final class TestPipeline {

    private TestPipeline() {}

    /** Processor, sink, collector and dashboard with data in {@code data}; two raw partitions. */
    static LocalPipeline start(Path data, KafkaExtension kafka, String pgUrl) throws Exception {
        return LocalPipeline.start(
                new LocalPipeline.Settings(data, kafka.bootstrapServers(), pgUrl, 0, 0, FreePorts.next(), 2),
                new PrintWriter(new StringWriter()));
    }

    static void stop(LocalPipeline pipeline) {
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
