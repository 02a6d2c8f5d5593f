package dev.agentmeter.pricing.bench;

import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import dev.agentmeter.pricing.ContractPriceExample;
import dev.agentmeter.pricing.PriceCatalog;
import dev.agentmeter.pricing.Pricer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Set;
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
 * The processor's per-event pricing, one call of {@link Pricer#price} on the contract's example
 * entry ({@link ContractPriceExample}: standard, long context, batch with its own long context): a standard call, a batch call
 * and a batch call above the long-context threshold, each with cache reads and writes. Figures go
 * in {@code pricing/PERFORMANCE.md}. Run: {@code mvn -pl pricing -am -Pbench -DskipTests verify}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PricerBenchmark {

    private static final Instant AT = Instant.parse("2026-11-22T10:15:30.123Z");

    private final Pricer pricer = new Pricer(new BigDecimal("3"), new BigDecimal("15"), Set.of());
    private final PriceCatalog catalog = ContractPriceExample.CATALOG;

    private final UsageEvent standard = event(null, 12_000);
    private final UsageEvent batch = event("batch", 12_000);
    private final UsageEvent batchLongContext = event("batch", 250_000);

    private static UsageEvent event(String tier, long input) {
        return UsageEvent.builder()
                .eventId("bench")
                .timestamp(AT)
                .agent("bench")
                .provider("anthropic")
                .model("claude-sonnet-4-5-20250929")
                .serviceTier(tier)
                .usage(new Usage(input, 800, input / 2, 1_000, 200, 0, false))
                .build();
    }

    @Benchmark
    public PricedUsage standardCall() {
        return pricer.price(standard, catalog, AT);
    }

    @Benchmark
    public PricedUsage batchCall() {
        return pricer.price(batch, catalog, AT);
    }

    @Benchmark
    public PricedUsage batchLongContextCall() {
        return pricer.price(batchLongContext, catalog, AT);
    }
}
