package io.annolake.common.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.config.AnnolakeConfig;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class AnomalyComputationTest {
  @Test
  void aMissingInputSkipsExactlyTheDetectorsThatNeedIt() {
    assertThat(AnomalyComputation.skipped(true, true)).isEmpty();
    assertThat(AnomalyComputation.skipped(false, true))
        .containsOnlyKeys("COLLUSION", "LOW_CONSENSUS_AGREEMENT", "PRELABEL_RUBBER_STAMPING")
        .allSatisfy((code, why) -> assertThat(why).contains("consensus_labels"));
    assertThat(AnomalyComputation.skipped(true, false))
        .containsOnlyKeys("GOLD_FAILURE_SPIKE")
        .allSatisfy((code, why) -> assertThat(why).contains("gold_labels"));
  }

  @Test
  void theWindowEndsWithTheLogicalDate() {
    AnomalySettings s = AnomalySettings.from(AnnolakeConfig.defaults()).withWindowDays(14);
    assertThat(AnomalyComputation.firstDay(s, LocalDate.of(2026, 1, 14)))
        .isEqualTo(LocalDate.of(2026, 1, 1));
  }
}
