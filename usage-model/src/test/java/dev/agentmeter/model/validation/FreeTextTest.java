package dev.agentmeter.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmeter.model.ApiCall;
import dev.agentmeter.model.Call;
import dev.agentmeter.model.Samples;
import dev.agentmeter.model.Task;
import dev.agentmeter.model.UsageEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FreeTextTest {

    private static UsageEvent.Builder event() {
        return Samples.contractEvent().toBuilder();
    }

    @Test
    void anEventWithinTheLimitsComesBackUnchanged() {
        UsageEvent e = Samples.contractEvent();

        FreeText.Cut cut = FreeText.cut(e);

        assertThat(cut.event()).isSameAs(e);
        assertThat(cut.changed()).isFalse();
        assertThat(cut.event().truncated()).isNull();
    }

    @Test
    void aTenThousandCharacterDescriptionKeepsItsFirstFourThousand() {
        String description = "abcdefghij".repeat(1000);

        FreeText.Cut cut =
                FreeText.cut(event().task(new Task("chat", null, description)).build());

        assertThat(cut.event().task().description()).isEqualTo(description.substring(0, 4000));
        assertThat(cut.event().task().type()).isEqualTo("chat");
        assertThat(cut.cut()).isTrue();
        assertThat(cut.event().truncated()).isTrue();
    }

    @Test
    void fourThousandAndOneEmojiKeepFourThousandWholeOnes() {
        String emoji = "😀".repeat(4001); // 8,002 UTF-16 chars

        String kept = FreeText.cut(event().task(new Task(null, null, emoji)).build())
                .event()
                .task()
                .description();

        assertThat(kept.codePointCount(0, kept.length())).isEqualTo(4000);
        assertThat(kept).isEqualTo("😀".repeat(4000));
    }

    @Test
    void exactlyFourThousandCodePointsAreNotCut() {
        String emoji = "😀".repeat(4000);

        FreeText.Cut cut = FreeText.cut(
                event().call(new Call(null, null, null, null, emoji, null)).build());

        assertThat(cut.changed()).isFalse();
        assertThat(cut.event().call().errorMessage()).isSameAs(emoji);
    }

    @Test
    void errorMessageFinishReasonAndEndpointAreCutAtFourThousand() {
        UsageEvent e = event().call(new Call("m", "f".repeat(5000), 1L, "error", "e".repeat(5000), 3L))
                .api(new ApiCall("search", "https://x/" + "q".repeat(6000), 200, null))
                .build();

        UsageEvent out = FreeText.cut(e).event();

        assertThat(out.call().finishReason()).hasSize(4000);
        assertThat(out.call().errorMessage()).hasSize(4000);
        assertThat(out.api().endpoint()).isEqualTo(("https://x/" + "q".repeat(6000)).substring(0, 4000));
        assertThat(out.call().durationMs()).isEqualTo(1L);
        assertThat(out.call().promptChars()).isEqualTo(3L);
    }

    @Test
    void threeHundredAttributesKeepTheFirstSixtyFourInKeyOrder() {
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            attributes.put(String.format("attr%03d", i), "v" + i);
        }

        UsageEvent out = FreeText.cut(event().attributes(attributes).build()).event();

        assertThat(out.attributes())
                .hasSize(64)
                .containsKeys("attr000", "attr063")
                .doesNotContainKey("attr064");
        assertThat(out.attributes().get("attr063")).isEqualTo("v63");
        assertThat(out.truncated()).isTrue();
    }

    @Test
    void attributeValuesKeepTheirFirstThousandCodePoints() {
        UsageEvent out = FreeText.cut(
                        event().attributes(Map.of("tier", "p".repeat(1001))).build())
                .event();

        assertThat(out.attributes()).containsExactlyEntriesOf(Map.of("tier", "p".repeat(1000)));
        assertThat(out.truncated()).isTrue();
    }

    @Test
    void labelsKeepTheirFirstTwoHundredCodePoints() {
        UsageEvent out = FreeText.cut(event().provider("p".repeat(250))
                        .handoffChain(List.of("router", "h".repeat(201)))
                        .build())
                .event();

        assertThat(out.provider()).isEqualTo("p".repeat(200));
        assertThat(out.handoffChain()).containsExactly("router", "h".repeat(200));
        assertThat(out.truncated()).isTrue();
    }

    @Test
    void nulAndUnpairedSurrogatesBecomeReplacementCharactersWithoutCuttingAnything() {
        UsageEvent e = event().task(new Task("chat", null, "a\u0000b\uD800c\uDC00d😀"))
                .attributes(Map.of("k", "x\u0000"))
                .build();

        FreeText.Cut cut = FreeText.cut(e);

        assertThat(cut.event().task().description()).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd😀");
        assertThat(cut.event().attributes()).containsExactlyEntriesOf(Map.of("k", "x\uFFFD"));
        assertThat(cut.replaced()).isEqualTo(4);
        assertThat(cut.cut()).isFalse();
        assertThat(cut.event().truncated()).isNull();
    }

    @Test
    void storableReplacesWithoutCutting() {
        String long10k = "a".repeat(10_000) + "\u0000";

        assertThat(FreeText.storable(long10k)).isEqualTo("a".repeat(10_000) + "\uFFFD");
        assertThat(FreeText.storable("ok")).isSameAs("ok");
        assertThat(FreeText.storable(null)).isNull();
    }

    @Test
    void controlCharactersOtherThanNulAreKept() {
        String text = "tab\there\nnew line\u0001\u001f\u007f";

        assertThat(FreeText.cut(event().task(new Task(null, null, text)).build())
                        .event()
                        .task()
                        .description())
                .isSameAs(text);
    }

    @Test
    void aCutNeverEndsInHalfASurrogatePair() {
        String text = "a".repeat(3999) + "😀" + "tail";

        assertThat(FreeText.prefix(text, 4000)).isEqualTo("a".repeat(3999) + "😀");
        assertThat(FreeText.prefix(text, 3999)).isEqualTo("a".repeat(3999));
    }

    @Test
    void identifiersAreLeftToTheValidator() {
        UsageEvent e = event().userId("u\u0000").agent("a".repeat(300)).build();

        assertThat(FreeText.cut(e).event()).isSameAs(e);
    }

    @Test
    void anEventItsSenderAlreadyCutStaysMarked() {
        UsageEvent e = event().truncated(true).build();

        FreeText.Cut cut = FreeText.cut(e);

        assertThat(cut.changed()).isFalse();
        assertThat(cut.event().truncated()).isTrue();
    }
}
