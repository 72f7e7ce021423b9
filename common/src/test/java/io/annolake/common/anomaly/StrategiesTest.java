package io.annolake.common.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.annolake.common.stats.Proportions;
import io.annolake.common.stats.RobustStats;
import io.annolake.common.stats.RunningStats;
import org.junit.jupiter.api.Test;

/** The pure strategies at their boundaries, against hand-computed values. No Spark. */
class StrategiesTest {

  @Test
  void medianPercentileAndMad() {
    assertThat(RobustStats.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(RobustStats.median(new double[] {1, 2, 3, 4})).isEqualTo(2.5);
    assertThat(RobustStats.median(new double[0])).isNaN();
    double[] four = {4, 3, 2, 1};
    assertThat(RobustStats.percentile(four, 0)).isEqualTo(1);
    assertThat(RobustStats.percentile(four, 1)).isEqualTo(4);
    assertThat(RobustStats.percentile(four, 0.25)).isEqualTo(1.75); // type 7: h = 0.75
    assertThat(four).containsExactly(4, 3, 2, 1); // input untouched
    assertThatThrownBy(() -> RobustStats.percentile(four, 1.5))
        .hasMessageContaining("p must be in [0, 1]");
    // median 2; deviations 1,1,0,0,2,4,7 -> median 1
    assertThat(RobustStats.mad(new double[] {1, 1, 2, 2, 4, 6, 9})).isEqualTo(1);
  }

  @Test
  void robustZResistsOutliersAndHasAFloor() {
    assertThat(RobustStats.robustZ(5, 2, 1, 0)).isCloseTo(3 / 1.4826, offset(1e-12));
    assertThat(RobustStats.robustZ(5, 2, 0, 0.5)).isEqualTo(6); // floor used when MAD is 0
    assertThat(RobustStats.robustZ(2, 2, 0, 0)).isZero();
    assertThat(RobustStats.robustZ(3, 2, 0, 0)).isInfinite();
    // One wild value does not move the location: nine 10s and a 1000
    double[] crowd = {10, 10, 10, 10, 10, 10, 10, 10, 10, 1000};
    RobustStats.Location loc = RobustStats.Location.of(crowd);
    assertThat(loc.median()).isEqualTo(10);
    assertThat(loc.mad()).isZero();
    assertThat(loc.z(1000, 1)).isEqualTo(990);
  }

  @Test
  void welfordMatchesTheTextbookAndMerges() {
    RunningStats all = RunningStats.of(2, 4, 4, 4, 5, 5, 7, 9);
    assertThat(all.mean()).isEqualTo(5);
    assertThat(all.variance()).isCloseTo(32.0 / 7, offset(1e-12));
    RunningStats merged = RunningStats.of(2, 4, 4).merge(RunningStats.of(4, 5, 5, 7, 9));
    assertThat(merged.n()).isEqualTo(8);
    assertThat(merged.mean()).isCloseTo(5, offset(1e-12));
    assertThat(merged.variance()).isCloseTo(32.0 / 7, offset(1e-12));
    assertThat(RunningStats.EMPTY.merge(all)).isEqualTo(all);
    assertThat(RunningStats.of(3).variance()).isNaN();
    assertThat(RunningStats.of(3).z(4)).isNaN();
    assertThat(all.z(9)).isCloseTo(4 / Math.sqrt(32.0 / 7), offset(1e-12));
    // Large offsets do not lose precision (the naive sum of squares would).
    assertThat(RunningStats.of(1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16).variance())
        .isCloseTo(30, offset(1e-6));
  }

  @Test
  void relativeChangeTwoProportionsAndExcess() {
    assertThat(Proportions.relativeChange(0.5, 1.0)).isEqualTo(-0.5);
    assertThat(Proportions.relativeChange(2, 1)).isEqualTo(1);
    assertThat(Proportions.relativeChange(1, 0)).isNaN();
    // p1 = 0.9, p2 = 0.2, pooled 0.55, se = sqrt(0.55 * 0.45 * 0.2)
    assertThat(Proportions.twoProportionZ(9, 10, 2, 10))
        .isCloseTo(0.7 / Math.sqrt(0.0495), offset(1e-12));
    assertThat(Proportions.twoProportionZ(10, 10, 10, 10)).isZero();
    assertThat(Proportions.twoProportionZ(1, 0, 2, 10)).isZero();
    assertThat(Proportions.excessOverChance(1, 0.5)).isEqualTo(1);
    assertThat(Proportions.excessOverChance(0.5, 0.5)).isZero();
    assertThat(Proportions.excessOverChance(0.25, 0.5)).isEqualTo(-0.5);
    assertThat(Proportions.excessOverChance(1, 1)).isNaN();
  }

  @Test
  void entropyAndRuns() {
    assertThat(LabelStats.entropyBits(new long[] {1, 1})).isCloseTo(1, offset(1e-12));
    assertThat(LabelStats.entropyBits(new long[] {1, 1, 1, 1})).isCloseTo(2, offset(1e-12));
    assertThat(LabelStats.entropyBits(new long[] {5, 0})).isZero();
    assertThat(LabelStats.entropyBits(new long[] {0, 0})).isZero();
    assertThat(LabelStats.entropyBits(new long[] {1, 3})).isCloseTo(0.811278, offset(1e-6));
    assertThat(LabelStats.longestRun(new int[] {1, 1, 2, 2, 2, 1})).isEqualTo(3);
    assertThat(LabelStats.longestRun(new int[0])).isZero();
    assertThat(LabelStats.longestRun(new int[] {7})).isEqualTo(1);
  }

  @Test
  void runTailProbabilityIsAccurateInTheTail() {
    double[] coin = {0.5, 0.5};
    // Exact P(a run of >= 10 equal faces in 20 fair flips) = 0.0117168 (dynamic programming).
    assertThat(LabelStats.runTailProbability(20, 10, coin)).isCloseTo(0.0117168, offset(0.0002));
    assertThat(LabelStats.runTailProbability(20, 21, coin)).isZero();
    assertThat(LabelStats.runTailProbability(20, 1, coin)).isEqualTo(1);
    assertThat(LabelStats.runTailProbability(100, 12, coin))
        .isLessThan(LabelStats.runTailProbability(100, 11, coin));
  }

  @Test
  void chiSquarePoolsSmallCellsAndKlIsZeroOnlyForTheSameMix() {
    LabelStats.ChiSquare chi =
        LabelStats.chiSquare(new long[] {10, 30}, new double[] {0.5, 0.5}, 5, 1e-3);
    assertThat(chi.statistic()).isCloseTo(10, offset(1e-9));
    assertThat(chi.degreesOfFreedom()).isEqualTo(1);
    assertThat(chi.pValue()).isCloseTo(0.0015654, offset(1e-6));
    // expected 49, 49, 1, 1: the two small cells are pooled into one (observed 2, expected 2)
    LabelStats.ChiSquare pooled =
        LabelStats.chiSquare(
            new long[] {50, 48, 1, 1}, new double[] {0.49, 0.49, 0.01, 0.01}, 5, 1e-3);
    assertThat(pooled.degreesOfFreedom()).isEqualTo(2);
    assertThat(pooled.statistic()).isCloseTo(2.0 / 49, offset(1e-9));
    assertThat(pooled.pValue()).isCloseTo(0.9797987, offset(1e-6));
    assertThat(LabelStats.chiSquare(new long[] {5, 0}, new double[] {1, 0}, 5, 0).pValue())
        .isEqualTo(1);
    assertThatThrownBy(() -> LabelStats.chiSquare(new long[] {1}, new double[] {0.5, 0.5}, 5, 0))
        .hasMessageContaining("1 observed cells but 2 expected shares");
    assertThat(LabelStats.klDivergence(new long[] {1, 1}, new double[] {0.5, 0.5}, 1e-3))
        .isCloseTo(0, offset(1e-12));
    assertThat(LabelStats.klDivergence(new long[] {2, 0}, new double[] {0.5, 0.5}, 1e-3))
        .isCloseTo(Math.log(2), offset(1e-12));
  }

  @Test
  void densestBurstUsesAHalfOpenWindow() {
    long[] t = {73_000, 0, 10_000, 20_000, 70_000, 71_000, 72_000};
    long[] d = {1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000};
    Bursts.Burst b = Bursts.densest(t, d, 60_000);
    assertThat(b.count()).isEqualTo(5); // 20s, 70s, 71s, 72s, 73s
    assertThat(b.startMs()).isEqualTo(20_000);
    assertThat(b.claimedMs()).isEqualTo(5_000);
    assertThat(Bursts.densest(new long[] {0, 60_000}, new long[] {0, 0}, 60_000).count())
        .isEqualTo(1);
    assertThat(Bursts.densest(new long[] {0, 59_999}, new long[] {0, 0}, 60_000).count())
        .isEqualTo(2);
    assertThat(Bursts.densest(new long[0], new long[0], 60_000)).isEqualTo(Bursts.Burst.NONE);
    assertThatThrownBy(() -> Bursts.densest(t, d, 0))
        .hasMessageContaining("window must be positive");
  }

  @Test
  void collusionScoresAgreementBeyondWhatSkillsExplain() {
    double[][] c = {{0.9, 0.1}, {0.2, 0.8}};
    // P(agree | t=0) = 0.81 + 0.01 = 0.82; P(agree | t=1) = 0.04 + 0.64 = 0.68
    Collusion.PairScore copy =
        Collusion.score(new long[] {10, 10}, new long[] {10, 10}, new long[] {0, 0}, c, c);
    assertThat(copy.expectedAgreed()).isCloseTo(15, offset(1e-12));
    assertThat(copy.excess()).isCloseTo(1, offset(1e-12));
    assertThat(copy.z())
        .isCloseTo(5 / Math.sqrt(10 * 0.82 * 0.18 + 10 * 0.68 * 0.32), offset(1e-12));
    assertThat(copy.expectedWrongAgreed()).isCloseTo(10 * 0.01 + 10 * 0.04, offset(1e-12));
    Collusion.PairScore independent =
        Collusion.score(new long[] {10, 10}, new long[] {8, 7}, new long[] {0, 1}, c, c);
    assertThat(independent.excess()).isCloseTo(0, offset(1e-12));
    assertThat(independent.z()).isCloseTo(0, offset(1e-12));
    double[][] m = Collusion.confusion(new long[][] {{8, 2}, {0, 0}}, 0.5);
    assertThat(m[0][0]).isCloseTo(8.5 / 11, offset(1e-12));
    assertThat(m[1]).containsExactly(0.5, 0.5);
  }
}
