package io.annolake.common.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.stats.RobustStats;
import io.annolake.common.stats.RunningStats;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The worker detectors at their thresholds, on hand-built statistics. No Spark. */
class WorkerDetectorsTest {
  private final AnomalySettings s = AnomalySettings.from(AnnolakeConfig.defaults());
  private final StepContext ctx =
      new StepContext("p1", "category", List.of("a", "b"), new double[] {0.5, 0.5}, 10_000);

  private static WorkerStats worker(
      String id,
      String type,
      double medianMs,
      long[] labels,
      long[] itemConsensus,
      long consensusAnswers,
      long agreed,
      long goldAnswers,
      long goldCorrect,
      Bursts.Burst burst,
      WorkerStats.GoldHistory history) {
    long n = labels[0] + labels[1];
    return new WorkerStats(
        id,
        type,
        n,
        medianMs,
        labels,
        itemConsensus,
        consensusAnswers,
        agreed,
        0,
        0,
        Double.NaN,
        goldAnswers,
        goldCorrect,
        2,
        burst,
        history);
  }

  private static WorkerStats plain(double medianMs) {
    return worker(
        "w",
        "crowd",
        medianMs,
        new long[] {50, 50},
        new long[] {50, 50},
        100,
        90,
        0,
        0,
        Bursts.Burst.NONE,
        WorkerStats.GoldHistory.NONE);
  }

  @Test
  void tooFastIsRelativeToTheStepMedian() {
    // threshold = 0.25 * 10 s = 2.5 s; HIGH at half of it
    assertThat(WorkerDetectors.tooFast(plain(2_500), ctx, s)).isEmpty();
    assertThat(WorkerDetectors.tooFast(plain(2_499), ctx, s).orElseThrow().severity())
        .isEqualTo(Severity.MEDIUM);
    assertThat(WorkerDetectors.tooFast(plain(1_250), ctx, s).orElseThrow().severity())
        .isEqualTo(Severity.HIGH);
    assertThat(WorkerDetectors.tooFast(plain(40_000), ctx, s)).isEmpty(); // slow is never too fast
    WorkerStats few =
        worker(
            "w",
            "crowd",
            100,
            new long[] {5, 5},
            new long[] {5, 5},
            10,
            9,
            0,
            0,
            Bursts.Burst.NONE,
            WorkerStats.GoldHistory.NONE);
    assertThat(WorkerDetectors.tooFast(few, ctx, s)).as("below min-answers").isEmpty();
  }

  @Test
  void burstThresholdFollowsTheStepPace() {
    // 3 x 60 s / 10 s = 18 submissions per minute (above min-count 12)
    assertThat(WorkerDetectors.burst(withBurst(17, 0), ctx, s)).isEmpty();
    assertThat(WorkerDetectors.burst(withBurst(18, 0), ctx, s).orElseThrow().severity())
        .isEqualTo(Severity.MEDIUM);
    assertThat(WorkerDetectors.burst(withBurst(36, 0), ctx, s).orElseThrow().severity())
        .isEqualTo(Severity.HIGH);
    // claimed work of more than twice the window cannot be one person's
    assertThat(WorkerDetectors.burst(withBurst(18, 120_001), ctx, s).orElseThrow().severity())
        .isEqualTo(Severity.HIGH);
  }

  private static WorkerStats withBurst(int count, long claimed) {
    return worker(
        "w",
        "crowd",
        10_000,
        new long[] {50, 50},
        new long[] {50, 50},
        100,
        90,
        0,
        0,
        new Bursts.Burst(count, 0, claimed),
        WorkerStats.GoldHistory.NONE);
  }

  @Test
  void straightLiningAgainstTheItemsLabelMix() {
    WorkerStats constant =
        worker(
            "w",
            "crowd",
            10_000,
            new long[] {95, 5},
            new long[] {50, 50},
            100,
            55,
            0,
            0,
            Bursts.Burst.NONE,
            WorkerStats.GoldHistory.NONE);
    Flag f = WorkerDetectors.straightLining(constant, ctx, s).orElseThrow();
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.evidence().get("entropy_ratio"))
        .isEqualTo(0.2864); // H(0.95, 0.05) = 0.2864 bits vs 1 bit
    // The same answers are normal when the items really are mostly "a".
    WorkerStats honest =
        worker(
            "w",
            "crowd",
            10_000,
            new long[] {95, 5},
            new long[] {95, 5},
            100,
            100,
            0,
            0,
            Bursts.Burst.NONE,
            WorkerStats.GoldHistory.NONE);
    assertThat(WorkerDetectors.straightLining(honest, ctx, s)).isEmpty();
  }

  @Test
  void lowConsensusAgreementAtChanceIsHighUnlessGoldOrExpertiseSaysOtherwise() {
    RobustStats.Location peers = new RobustStats.Location(0.8, 0.05, 20);
    // answers 50/50, items 50/50: chance agreement 0.5; agreement 0.6 -> kappa 0.2 (exactly at
    // max-kappa)
    WorkerStats atChance =
        worker(
            "w",
            "crowd",
            10_000,
            new long[] {50, 50},
            new long[] {50, 50},
            100,
            60,
            0,
            0,
            Bursts.Burst.NONE,
            WorkerStats.GoldHistory.NONE);
    Flag f = WorkerDetectors.lowConsensusAgreement(atChance, ctx, s, peers, 0.9).orElseThrow();
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.evidence().get("kappa")).isEqualTo(0.2);
    WorkerStats expert =
        worker(
            "e",
            "expert",
            10_000,
            new long[] {50, 50},
            new long[] {50, 50},
            100,
            60,
            0,
            0,
            Bursts.Burst.NONE,
            WorkerStats.GoldHistory.NONE);
    assertThat(
            WorkerDetectors.lowConsensusAgreement(expert, ctx, s, peers, 0.9)
                .orElseThrow()
                .severity())
        .isEqualTo(Severity.MEDIUM);
    WorkerStats rightOnGold =
        worker(
            "g",
            "crowd",
            10_000,
            new long[] {50, 50},
            new long[] {50, 50},
            100,
            60,
            10,
            10,
            Bursts.Burst.NONE,
            WorkerStats.GoldHistory.NONE);
    assertThat(
            WorkerDetectors.lowConsensusAgreement(rightOnGold, ctx, s, peers, 0.9)
                .orElseThrow()
                .severity())
        .isEqualTo(Severity.LOW);
    // kappa 0.8 = the peers' median: nothing
    WorkerStats normal =
        worker(
            "n",
            "crowd",
            10_000,
            new long[] {50, 50},
            new long[] {50, 50},
            100,
            90,
            0,
            0,
            Bursts.Burst.NONE,
            WorkerStats.GoldHistory.NONE);
    assertThat(WorkerDetectors.lowConsensusAgreement(normal, ctx, s, peers, 0.9)).isEmpty();
  }

  @Test
  void goldFailureSpikeNeedsADropThatIsSignificantOrCorroborated() {
    // history 10/10, recent 2/10: pooled 0.6, z = 0.8 / sqrt(0.24 * 0.2) = 3.65 >= 3 (< 4: MEDIUM)
    Optional<Flag> spike =
        WorkerDetectors.goldFailureSpike(history(10, 10, 10, 2, 0, 0, 0, 0), ctx, s);
    assertThat(spike.orElseThrow().severity()).isEqualTo(Severity.MEDIUM);
    assertThat(spike.orElseThrow().evidence().get("relative_change")).isEqualTo(-0.8);
    // corroborated by consensus agreement 0.9 -> 0.3 on 100 answers each: HIGH
    assertThat(
            WorkerDetectors.goldFailureSpike(history(10, 10, 10, 2, 100, 90, 100, 30), ctx, s)
                .orElseThrow()
                .severity())
        .isEqualTo(Severity.HIGH);
    assertThat(WorkerDetectors.goldFailureSpike(history(10, 10, 10, 9, 0, 0, 0, 0), ctx, s))
        .as("drop 0.1")
        .isEmpty();
    assertThat(WorkerDetectors.goldFailureSpike(history(7, 7, 10, 0, 0, 0, 0, 0), ctx, s))
        .as("history below min")
        .isEmpty();
    // gold 8/8 -> 2/4 is not significant alone (z = 2.45) but is with a consensus drop 0.9 -> 0.4
    assertThat(WorkerDetectors.goldFailureSpike(history(8, 8, 4, 2, 0, 0, 0, 0), ctx, s)).isEmpty();
    assertThat(WorkerDetectors.goldFailureSpike(history(8, 8, 4, 2, 100, 90, 100, 40), ctx, s))
        .isPresent();
  }

  private static WorkerStats history(
      long hn, long hc, long rn, long rc, long hcn, long hca, long rcn, long rca) {
    return worker(
        "w",
        "crowd",
        10_000,
        new long[] {50, 50},
        new long[] {50, 50},
        100,
        90,
        0,
        0,
        Bursts.Burst.NONE,
        new WorkerStats.GoldHistory(hn, hc, rn, rc, RunningStats.EMPTY, hcn, hca, rcn, rca));
  }

  @Test
  void collusionNeedsEnoughSharedItemsAndExcess() {
    long[][] skilled = {{45, 5}, {10, 40}}; // about 0.9 / 0.8 accurate
    Map<String, long[][]> confusions = Map.of("x", skilled, "y", skilled);
    var copying =
        new WorkerDetectors.PairStats(
            "y", "x", new long[] {50, 50}, new long[] {50, 50}, new long[] {0, 0});
    List<Flag> flags = WorkerDetectors.collusion(List.of(copying), confusions, ctx, s);
    assertThat(flags).hasSize(1);
    assertThat(flags.get(0).entityId()).isEqualTo("x|y");
    assertThat(flags.get(0).severity()).isEqualTo(Severity.HIGH);
    var few =
        new WorkerDetectors.PairStats(
            "x", "y", new long[] {10, 9}, new long[] {10, 9}, new long[] {0, 0});
    assertThat(WorkerDetectors.collusion(List.of(few), confusions, ctx, s))
        .as("below min-shared")
        .isEmpty();
    var independent =
        new WorkerDetectors.PairStats(
            "x", "y", new long[] {50, 50}, new long[] {40, 34}, new long[] {0, 1});
    assertThat(WorkerDetectors.collusion(List.of(independent), confusions, ctx, s)).isEmpty();
  }

  @Test
  void settingsNameTheKeyOnABadValue() {
    AnnolakeConfig bad =
        AnnolakeConfig.load(null, Map.of("annolake.anomalies.timing.too-fast-fraction", 1.5));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AnomalySettings.from(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("annolake.anomalies.timing.too-fast-fraction");
    AnnolakeConfig override =
        AnnolakeConfig.load(
            null, Map.of("annolake.anomalies.timing.min-duration-overrides.\"p1/category\"", 1500));
    AnomalySettings o = AnomalySettings.from(override);
    assertThat(o.timing().minDurationFor("p1", "category")).isEqualTo(1500);
    assertThat(o.timing().minDurationFor("p1", "other")).isZero();
    assertThat(s.withWindowDays(3).window().days()).isEqualTo(3);
  }
}
