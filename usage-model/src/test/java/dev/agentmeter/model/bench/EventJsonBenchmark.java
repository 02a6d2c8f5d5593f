package dev.agentmeter.model.bench;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Samples;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.model.json.ContractJson;
import dev.agentmeter.model.json.PlainUsageEventReader;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The processor's per-event JSON work on the contract's example event: reading it by data binding
 * against the plain reader, and writing its priced record anew against adding the pricing to the
 * bytes it arrived as.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EventJsonBenchmark {

    private static final ObjectReader DATA_BINDING = ContractJson.mapper().readerFor(UsageEvent.class);
    private final byte[] event = ContractJson.toBytes(Samples.contractEvent());
    private final PricedUsage priced = Samples.contractPriced();

    @Benchmark
    public UsageEvent readByDataBinding() throws IOException {
        return DATA_BINDING.readValue(event);
    }

    @Benchmark
    public UsageEvent readPlain() {
        return PlainUsageEventReader.read(event);
    }

    @Benchmark
    public byte[] writePricedRecordAnew() {
        return ContractJson.toBytes(priced);
    }

    @Benchmark
    public byte[] addPricingToTheArrivedBytes() {
        return ContractJson.pricedBytes(event, priced);
    }
}
