package io.annolake.common.quality;

import static io.annolake.common.quality.WorkerStatus.ACTIVE;
import static io.annolake.common.quality.WorkerStatus.INSUFFICIENT_EVIDENCE;
import static io.annolake.common.quality.WorkerStatus.PAUSED;
import static io.annolake.common.quality.WorkerStatus.PROBATION;
import static io.annolake.common.quality.WorkerStatus.TRUSTED;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.stats.Wilson;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every rule at its boundary, hysteresis, and the replay. */
class StatusRulesTest {
  private static final StatusPolicy POLICY = new StatusPolicy(0.9, 10, 3, Wilson.z(0.95));

  private static WorkerStatus decide(
      WorkerStatus previous, long n, long correct, double low, double high) {
    return StatusRules.decide(previous, new Evidence(n, correct, low, high, 0, false), POLICY)
        .status();
  }

  @Test
  void minimumEvidenceIsInclusive() {
    assertThat(decide(ACTIVE, 9, 0, 0.0, 0.3)).isEqualTo(INSUFFICIENT_EVIDENCE);
    assertThat(decide(INSUFFICIENT_EVIDENCE, 10, 0, 0.0, 0.3)).isEqualTo(PAUSED);
    assertThat(decide(PROBATION, 9, 9, 0.7, 1.0)).isEqualTo(PROBATION);
  }

  @Test
  void upperBoundExactlyAtThresholdIsNotPaused() {
    assertThat(decide(ACTIVE, 20, 17, 0.6, 0.9)).isEqualTo(PROBATION);
    assertThat(decide(ACTIVE, 20, 17, 0.6, Math.nextDown(0.9))).isEqualTo(PAUSED);
  }

  @Test
  void lowerBoundExactlyAtThresholdIsTrusted() {
    assertThat(decide(ACTIVE, 100, 99, 0.9, 1.0)).isEqualTo(TRUSTED);
    assertThat(decide(ACTIVE, 100, 99, Math.nextDown(0.9), 1.0)).isEqualTo(ACTIVE);
  }

  @Test
  void accuracyExactlyAtThresholdIsActive() {
    assertThat(decide(PROBATION, 10, 9, 0.6, 0.98)).isEqualTo(ACTIVE);
    assertThat(decide(ACTIVE, 100, 89, 0.81, 0.94)).isEqualTo(PROBATION);
  }

  @Test
  void realIntervalsAtTheDefaultThreshold() {
    StatusPolicy strict = new StatusPolicy(0.97, 10, 10, Wilson.z(0.95));
    // one unlucky answer in ten is not proof; two are
    assertThat(
            StatusRules.decide(ACTIVE, Evidence.of(10, 9, strict.z(), 0, false), strict).status())
        .isEqualTo(PROBATION);
    assertThat(
            StatusRules.decide(ACTIVE, Evidence.of(10, 8, strict.z(), 0, false), strict).status())
        .isEqualTo(PAUSED);
    assertThat(
            StatusRules.decide(ACTIVE, Evidence.of(10, 10, strict.z(), 0, false), strict).status())
        .isEqualTo(ACTIVE);
    assertThat(
            StatusRules.decide(ACTIVE, Evidence.of(150, 150, strict.z(), 0, false), strict)
                .status())
        .isEqualTo(TRUSTED);
  }

  @Test
  void pausedStaysPausedUntilRetrainedOrReinstated() {
    Evidence perfect = new Evidence(50, 50, 0.93, 1.0, 2, false);
    assertThat(StatusRules.decide(PAUSED, perfect, POLICY).status()).isEqualTo(PAUSED);
    Evidence retrained = new Evidence(50, 50, 0.93, 1.0, 3, false);
    assertThat(StatusRules.decide(PAUSED, retrained, POLICY).status()).isEqualTo(PROBATION);
    Evidence reinstated = new Evidence(50, 0, 0.0, 0.07, 0, true);
    assertThat(StatusRules.decide(PAUSED, reinstated, POLICY).reason()).startsWith("REINSTATED");
  }

  @Test
  void replayPausesRetrainsAndReturnsOnProbation() {
    StatusReplay replay = new StatusReplay(POLICY, 20);
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < 10; i++) {
      replay.gold(t.plusSeconds(i), i % 2 == 0);
    }
    assertThat(replay.status()).isEqualTo(PAUSED);
    replay.gold(t.plusSeconds(20), true);
    replay.gold(t.plusSeconds(21), true);
    replay.gold(t.plusSeconds(22), false); // streak broken
    replay.gold(t.plusSeconds(23), true);
    replay.gold(t.plusSeconds(24), true);
    assertThat(replay.status()).isEqualTo(PAUSED);
    assertThat(replay.streak()).isEqualTo(2);
    replay.gold(t.plusSeconds(25), true);
    assertThat(replay.status()).isEqualTo(PROBATION);
    // the window restarts with the streak: old failures do not pause again
    assertThat(replay.window().answers()).isEqualTo(3);
    assertThat(replay.changes())
        .extracting(StatusReplay.Change::to)
        .containsExactly(PAUSED, PROBATION);
    assertThat(replay.changes().get(0).at()).isEqualTo(t.plusSeconds(9));
    for (int i = 0; i < 7; i++) {
      replay.gold(t.plusSeconds(30 + i), true);
    }
    assertThat(replay.status()).isEqualTo(ACTIVE);
  }

  @Test
  void reinstatementOnlyActsOnAPausedWorker() {
    StatusReplay replay = new StatusReplay(POLICY, 20);
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    replay.reinstate(t);
    assertThat(replay.changes()).isEmpty();
    for (int i = 0; i < 10; i++) {
      replay.gold(t.plusSeconds(i + 1), false);
    }
    assertThat(replay.status()).isEqualTo(PAUSED);
    replay.reinstate(t.plusSeconds(100));
    assertThat(replay.status()).isEqualTo(PROBATION);
    assertThat(replay.window().answers()).isZero();
  }
}
