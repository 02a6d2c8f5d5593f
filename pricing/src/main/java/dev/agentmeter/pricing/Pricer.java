package dev.agentmeter.pricing;

import dev.agentmeter.model.Cost;
import dev.agentmeter.model.CostSource;
import dev.agentmeter.model.EffectivePrice;
import dev.agentmeter.model.LongContextPrice;
import dev.agentmeter.model.ModelPrice;
import dev.agentmeter.model.Money;
import dev.agentmeter.model.PricedUsage;
import dev.agentmeter.model.Pricing;
import dev.agentmeter.model.ServiceTiers;
import dev.agentmeter.model.TierPrice;
import dev.agentmeter.model.TokenPrices;
import dev.agentmeter.model.UnitPrices;
import dev.agentmeter.model.Usage;
import dev.agentmeter.model.UsageEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The contract's pricing rules, as a pure function of an event, the catalog and the clock.
 * Precedence: {@code api} for kind api; {@code provider} when the provider reported the cost;
 * {@code free} for a free provider or an all-zero price; {@code catalog}; else {@code default}.
 * Every cost part is tokens × price per million / 1,000,000, exact, never rounded. Service tiers:
 * an event whose {@code serviceTier} has an entry in the price's {@code serviceTiers} is priced
 * with it (its own long-context tier included) and {@code pricing.serviceTier} names it; any other
 * is priced at the standard prices, {@code pricing.serviceTier} standard.
 */
public final class Pricer {

    /** The contract's default price for a model no catalog knows: $3 in, $15 out per million tokens. */
    public static final BigDecimal DEFAULT_INPUT_PER_MTOK = new BigDecimal("3");

    public static final BigDecimal DEFAULT_OUTPUT_PER_MTOK = new BigDecimal("15");
    /** Local inference, free unless configured otherwise. */
    public static final Set<String> DEFAULT_FREE_PROVIDERS = Set.of("lmstudio", "ollama");

    private final BigDecimal defaultInput;
    private final BigDecimal defaultOutput;
    private final Set<String> freeProviders;

    public Pricer(BigDecimal defaultInputPerMTok, BigDecimal defaultOutputPerMTok, Set<String> freeProviders) {
        this.defaultInput = defaultInputPerMTok;
        this.defaultOutput = defaultOutputPerMTok;
        this.freeProviders = freeProviders;
    }

    /** A pricer with the contract's defaults (what the processor uses unless configured otherwise). */
    public static Pricer withDefaults() {
        return new Pricer(DEFAULT_INPUT_PER_MTOK, DEFAULT_OUTPUT_PER_MTOK, DEFAULT_FREE_PROVIDERS);
    }

    public PricedUsage price(UsageEvent e, PriceCatalog catalog, Instant pricedAt) {
        if (e.isApi()) {
            BigDecimal total =
                    e.api() != null && e.api().costUsd() != null ? e.api().costUsd() : BigDecimal.ZERO;
            Cost cost = new Cost(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, total, total);
            return new PricedUsage(
                    e,
                    new Pricing(
                            null,
                            null,
                            e.provider(),
                            CostSource.API,
                            null,
                            false,
                            ServiceTiers.STANDARD,
                            Pricing.USD,
                            null),
                    cost,
                    pricedAt);
        }
        Optional<ModelPrice> model = catalog.find(e.model());
        Usage u = e.usage();
        if (model.isPresent()) {
            ModelPrice m = model.get();
            EffectivePrice price = m.priceAt(e.timestamp())
                    .orElseGet(() -> m.prices().isEmpty() ? null : m.prices().get(0));
            if (price != null) {
                TierPrice tier = price.tier(e.servedTier());
                String pricedTier = tier != null ? e.servedTier() : ServiceTiers.STANDARD;
                LongContextPrice lc = tier != null ? tier.longContext() : price.longContext();
                boolean longContext = lc != null && u.inputTokens() > lc.aboveInputTokens();
                UnitPrices base = tier != null ? tierBase(price, tier) : basePrices(price);
                UnitPrices unit = longContext ? longContextPrices(base, lc) : base;
                Cost ours = cost(u, unit);
                CostSource source = sourceFor(e, unit);
                return new PricedUsage(
                        e,
                        new Pricing(
                                m.modelKey(),
                                m.company(),
                                e.provider(),
                                source,
                                price.effectiveFrom(),
                                longContext,
                                pricedTier,
                                Pricing.USD,
                                unit),
                        billed(source, e, ours),
                        pricedAt);
            }
        }
        UnitPrices unit = fallback(defaultInput, defaultOutput, null, null, null, null);
        Cost ours = cost(u, unit);
        CostSource source = sourceFor(e, null);
        if (source == CostSource.CATALOG) {
            source = CostSource.DEFAULT;
        }
        return new PricedUsage(
                e,
                new Pricing(null, null, e.provider(), source, null, false, ServiceTiers.STANDARD, Pricing.USD, unit),
                billed(source, e, ours),
                pricedAt);
    }

    private CostSource sourceFor(UsageEvent e, UnitPrices unit) {
        if (e.providerCostUsd() != null) {
            return CostSource.PROVIDER;
        }
        if (e.provider() != null && freeProviders.contains(e.provider().toLowerCase(Locale.ROOT))) {
            return CostSource.FREE;
        }
        if (unit != null && allZero(unit)) {
            return CostSource.FREE;
        }
        return CostSource.CATALOG;
    }

    private static Cost billed(CostSource source, UsageEvent e, Cost ours) {
        return switch (source) {
            case PROVIDER ->
                new Cost(
                        ours.inputUsd(),
                        ours.outputUsd(),
                        ours.cacheReadUsd(),
                        ours.cacheWriteUsd(),
                        e.providerCostUsd(),
                        ours.totalUsd());
            case FREE -> Cost.ZERO;
            default -> ours;
        };
    }

    static Cost cost(Usage u, UnitPrices p) {
        BigDecimal input = part(u.uncachedInputTokens(), p.inputPerMTok());
        BigDecimal cacheRead = part(u.cacheReadTokens(), p.cacheReadPerMTok());
        BigDecimal cacheWrite = part(u.cacheWriteTokens() - u.cacheWrite1hTokens(), p.cacheWritePerMTok())
                .add(part(u.cacheWrite1hTokens(), p.cacheWrite1hPerMTok()));
        BigDecimal output = part(u.outputTokens() - u.reasoningTokens(), p.outputPerMTok())
                .add(part(u.reasoningTokens(), p.reasoningPerMTok()));
        BigDecimal total = input.add(cacheRead).add(cacheWrite).add(output);
        return new Cost(
                Money.normalise(input),
                Money.normalise(output),
                Money.normalise(cacheRead),
                Money.normalise(cacheWrite),
                Money.normalise(total),
                Money.normalise(total));
    }

    private static BigDecimal part(long tokens, BigDecimal perMillion) {
        if (tokens == 0 || perMillion.signum() == 0) {
            return BigDecimal.ZERO;
        }
        return perMillion.multiply(BigDecimal.valueOf(tokens)).movePointLeft(6);
    }

    private static UnitPrices basePrices(EffectivePrice p) {
        return within(p, null, null);
    }

    /**
     * A service tier's prices; a null inside the tier follows the fallback chain within the tier, a
     * tier without input or output prices takes the standard ones.
     */
    private static UnitPrices tierBase(EffectivePrice standard, TierPrice t) {
        return within(t, standard.inputPerMTok(), standard.outputPerMTok());
    }

    /**
     * Long-context prices over {@code base} (the standard's or a service tier's, after fallback); a
     * null inside the long-context tier follows the fallback chain within it.
     */
    private static UnitPrices longContextPrices(UnitPrices base, LongContextPrice t) {
        return within(t, base.inputPerMTok(), base.outputPerMTok());
    }

    /** {@code t}'s prices after the fallback chain, its input and output taken from outside when it has none. */
    private static UnitPrices within(TokenPrices t, BigDecimal input, BigDecimal output) {
        return fallback(
                t.inputPerMTok() != null ? t.inputPerMTok() : input,
                t.outputPerMTok() != null ? t.outputPerMTok() : output,
                t.cacheReadPerMTok(),
                t.cacheWritePerMTok(),
                t.cacheWrite1hPerMTok(),
                t.reasoningPerMTok());
    }

    /** one-hour cache write → cache write → input; cache read → input; reasoning → output. */
    private static UnitPrices fallback(
            BigDecimal input,
            BigDecimal output,
            BigDecimal cacheRead,
            BigDecimal cacheWrite,
            BigDecimal cacheWrite1h,
            BigDecimal reasoning) {
        BigDecimal in = input != null ? input : BigDecimal.ZERO;
        BigDecimal out = output != null ? output : BigDecimal.ZERO;
        BigDecimal write = cacheWrite != null ? cacheWrite : in;
        return new UnitPrices(
                in,
                out,
                cacheRead != null ? cacheRead : in,
                write,
                cacheWrite1h != null ? cacheWrite1h : write,
                reasoning != null ? reasoning : out);
    }

    private static boolean allZero(UnitPrices p) {
        return p.inputPerMTok().signum() == 0
                && p.outputPerMTok().signum() == 0
                && p.cacheReadPerMTok().signum() == 0
                && p.cacheWritePerMTok().signum() == 0
                && p.cacheWrite1hPerMTok().signum() == 0
                && p.reasoningPerMTok().signum() == 0;
    }
}
