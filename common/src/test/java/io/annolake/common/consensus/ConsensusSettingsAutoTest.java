package io.annolake.common.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annolake.common.aggregation.Aggregator;
import io.annolake.common.aggregation.Aggregators;
import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** auto's settings: accepted as a method, its fallback and minimum checked by key. */
class ConsensusSettingsAutoTest {
  private static ConsensusSettings settings(Map<String, Object> overrides) {
    return ConsensusSettings.from(AnnolakeConfig.load(null, overrides));
  }

  @Test
  void autoUsesTheFallbackAsItsAggregatorAndEveryMethodAsCandidates() {
    ConsensusSettings s =
        settings(
            Map.of("annolake.consensus.method", "auto", "annolake.consensus.auto-fallback", "bds"));
    assertThat(s.auto()).isTrue();
    assertThat(s.aggregator().name()).isEqualTo("bds");
    assertThat(s.candidates().stream().map(Aggregator::name).toList()).isEqualTo(Aggregators.NAMES);
    assertThat(s.autoMinGold()).isEqualTo(100);
    assertThat(MethodParams.auto(s.autoFallback(), s.autoMinGold()).paramsJson())
        .isEqualTo("{\"fallback\":\"bds\",\"method\":\"auto\",\"min_gold\":\"100\"}");
  }

  @Test
  void badAutoKeysAreNamed() {
    assertThatThrownBy(() -> settings(Map.of("annolake.consensus.auto-fallback", "auto")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("annolake.consensus.auto-fallback");
    assertThatThrownBy(() -> settings(Map.of("annolake.consensus.auto-min-gold", 0)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("annolake.consensus.auto-min-gold");
  }

  @Test
  void aSingleMethodsParamsAreUnchangedByTheAutoField() {
    assertThat(MethodParams.of(Aggregators.byName("mv")).paramsJson())
        .isEqualTo("{\"method\":\"mv\",\"tie_break\":\"first_label_sorted\"}");
  }
}
