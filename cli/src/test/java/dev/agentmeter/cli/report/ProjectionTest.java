package dev.agentmeter.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.analytics.WhatIf;
import dev.agentmeter.analytics.Window;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** what-if's month-end projection: this month so far, carried to the month's end at the same pace. */
class ProjectionTest {

    @Test
    void halfwayThroughTheMonthDoublesWhatWasSpent() {
        Instant now = Instant.parse("2026-11-16T00:00:00Z");
        Window november = Window.named("this-month", ZoneOffset.UTC, now);

        WhatIfCommand.Projection p = WhatIfCommand.Projection.of(
                List.of(
                        new WhatIf.Comparison("gpt-4o", 3, new BigDecimal("10"), new BigDecimal("15")),
                        new WhatIf.Comparison("claude-sonnet-4-5", 1, new BigDecimal("0.5"), new BigDecimal("0.5"))),
                november,
                now);

        assertThat(p.elapsedDays()).isEqualByComparingTo("15.0");
        assertThat(p.billedUsd()).isEqualByComparingTo("21");
        assertThat(p.whatIfUsd()).isEqualByComparingTo("31");
    }

    @Test
    void aThirdOfTheWayIsCarriedExactlyToTenDecimals() {
        Instant now = Instant.parse("2026-11-11T00:00:00Z");
        WhatIfCommand.Projection p = WhatIfCommand.Projection.of(
                List.of(new WhatIf.Comparison("m", 1, new BigDecimal("1"), new BigDecimal("2"))),
                Window.named("this-month", ZoneOffset.UTC, now),
                now);

        assertThat(p.billedUsd()).isEqualByComparingTo("3");
        assertThat(p.whatIfUsd()).isEqualByComparingTo("6");
    }
}
