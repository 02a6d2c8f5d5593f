package dev.agentmeter.processor.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.Period;
import dev.agentmeter.model.Scope;
import dev.agentmeter.model.ScopeType;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SpendStoresTest {

    private static final Instant DAY = Instant.parse("2026-12-07T00:00:00Z");

    @Test
    void aScopeIdHoldingAPipeIsReadWholeFromItsSpendKey() {
        Scope scope = Scope.of(ScopeType.USER, "alice|admin|x");
        String key = SpendStores.key(Period.DAY, DAY, scope);

        assertThat(SpendStores.scopeOf(key, SpendStores.windowPrefix(Period.DAY, DAY)))
                .isEqualTo(scope);
    }

    @Test
    void aSessionMarkOfAScopeHoldingAPipeIsReadWhole() {
        Scope scope = Scope.of(ScopeType.SESSION, "s|1");
        String mark = SpendStores.alertedKey(Period.SESSION, DAY, scope.toString(), new BigDecimal("0.8"));

        assertThat(SpendStores.sessionMark(mark)).isEqualTo(new SpendStores.SessionMark(scope, DAY));
    }
}
