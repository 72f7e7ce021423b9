package io.annolake.common.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Fleiss' kappa, Cohen's kappa, Gwet's AC1 and Scott's pi against published values. */
class KappaTest {
  /** Fleiss (1971), Table 1: 30 patients, 6 psychiatrists, 5 diagnoses (as R irr's `diagnoses`). */
  static final int[][] DIAGNOSES = {
    {4, 4, 4, 4, 4, 4},
    {2, 2, 2, 5, 5, 5},
    {2, 3, 3, 3, 3, 5},
    {5, 5, 5, 5, 5, 5},
    {2, 2, 2, 4, 4, 4},
    {1, 1, 3, 3, 3, 3},
    {3, 3, 3, 3, 5, 5},
    {1, 1, 3, 3, 3, 4},
    {1, 1, 4, 4, 4, 4},
    {5, 5, 5, 5, 5, 5},
    {1, 4, 4, 4, 4, 4},
    {1, 2, 4, 4, 4, 4},
    {2, 2, 2, 3, 3, 3},
    {1, 4, 4, 4, 4, 4},
    {2, 2, 4, 4, 4, 5},
    {3, 3, 3, 3, 3, 5},
    {1, 1, 1, 4, 5, 5},
    {1, 1, 1, 1, 1, 2},
    {2, 2, 4, 4, 4, 4},
    {1, 3, 3, 5, 5, 5},
    {5, 5, 5, 5, 5, 5},
    {2, 4, 4, 4, 4, 4},
    {2, 2, 4, 5, 5, 5},
    {1, 1, 4, 4, 4, 4},
    {1, 4, 4, 4, 4, 5},
    {2, 2, 2, 2, 2, 4},
    {1, 1, 1, 1, 5, 5},
    {2, 2, 4, 4, 4, 4},
    {1, 3, 3, 3, 3, 3},
    {5, 5, 5, 5, 5, 5},
  };

  @Test
  void fleiss1971Diagnoses() {
    AgreementState s = new AgreementState(5);
    for (int[] row : DIAGNOSES) {
      s.add(ItemCounts.ofValues(java.util.Arrays.stream(row).map(v -> v - 1).toArray()));
    }
    Coefficient kappa = FleissKappa.compute(s);
    assertThat(kappa.value()).isCloseTo(0.4302445, within(1e-7)); // Fleiss 1971: 0.430
    // the standard error is Gwet's (checked by hand in StandardErrorTest), not the one under kappa
    // = 0
    assertThat(kappa.items()).isEqualTo(30);
    assertThat(kappa.note()).doesNotContain("modal");
  }

  @Test
  void fleissWikipediaTable() {
    int[][] counts = {
      {0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
      {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7},
    };
    AgreementState s = new AgreementState(5);
    for (int[] row : counts) {
      s.add(ItemCounts.ofDense(row));
    }
    assertThat(FleissKappa.compute(s).value()).isCloseTo(0.210, within(5e-4));
    assertThat(ScottPi.percentAgreement(s).value()).isCloseTo(0.378, within(5e-4));
  }

  @Test
  void fleissUsesTheModalNumberOfRatersAndSaysSo() {
    AgreementState s = new AgreementState(2);
    s.add(ItemCounts.ofValues(0, 0, 1))
        .add(ItemCounts.ofValues(1, 1, 1))
        .add(ItemCounts.ofValues(0, 1));
    Coefficient kappa = FleissKappa.compute(s);
    assertThat(kappa.items()).isEqualTo(2);
    assertThat(kappa.note()).contains("m=3").contains("2 of 3");
  }

  @Test
  void cohenWikipediaExamples() {
    assertThat(CohenKappa.compute(new long[][] {{20, 5}, {10, 15}}).value())
        .isCloseTo(0.4, within(1e-12));
    assertThat(CohenKappa.compute(new long[][] {{45, 15}, {25, 15}}).value())
        .isCloseTo(0.1304, within(1e-4));
    assertThat(CohenKappa.compute(new long[][] {{25, 35}, {5, 35}}).value())
        .isCloseTo(0.2593, within(1e-4));
  }

  @Test
  void cohenSasExampleWithAsymptoticStandardError() {
    // SAS PROC FREQ printout for this table (as used by statsmodels' tests): kappa 0.4842, ASE
    // 0.1380
    Coefficient c = CohenKappa.compute(new long[][] {{0, 4, 1}, {0, 8, 0}, {0, 1, 5}});
    assertThat(c.value()).isCloseTo(0.4842, within(1e-4));
    assertThat(c.standardError()).isCloseTo(0.1380, within(1e-4));
  }

  @Test
  void cohenDegenerate() {
    assertThat(CohenKappa.compute(new long[][] {{7, 0}, {0, 0}}).status())
        .isEqualTo(Status.UNDEFINED);
    assertThat(CohenKappa.compute(new long[][] {{0, 0}, {0, 0}}).status())
        .isEqualTo(Status.INSUFFICIENT_DATA);
    assertThat(CohenKappa.compute(new long[][] {{3, 0}, {0, 4}}).value()).isEqualTo(1.0);
  }

  @Test
  void gwetAc1HighAgreementParadox() {
    // Two raters, 125 items: kappa is about -0.023 though they agree on 94.4%; AC1 stays high.
    // By hand: pa = 118/125; pi_1 = (123 + 120)/250 = 0.972; pe = 2 * 0.972 * 0.028 = 0.054432;
    // AC1 = (0.944 - 0.054432) / (1 - 0.054432).
    AgreementState s = new AgreementState(2);
    addPairs(s, 0, 0, 118);
    addPairs(s, 0, 1, 5);
    addPairs(s, 1, 0, 2);
    Coefficient ac1 = GwetAc1.compute(s);
    assertThat(ac1.value()).isCloseTo((0.944 - 0.054432) / (1 - 0.054432), within(1e-12));
    assertThat(CohenKappa.compute(new long[][] {{118, 5}, {2, 0}}).value())
        .isCloseTo(-0.0234, within(1e-4));
  }

  @Test
  void gwetAc1TwoRatersMatchesTheTwoRaterFormula() {
    // Gwet (2008), two raters: AC1 = (pa - pe) / (1 - pe), pe = 2 pi (1 - pi), pi = (A1 + B1) / 2N.
    // Table {{40, 9}, {6, 45}}: pa = 0.85, pi = (49 + 46)/200 = 0.475, pe = 0.49875.
    AgreementState s = new AgreementState(2);
    addPairs(s, 0, 0, 40);
    addPairs(s, 0, 1, 9);
    addPairs(s, 1, 0, 6);
    addPairs(s, 1, 1, 45);
    assertThat(GwetAc1.compute(s).value())
        .isCloseTo((0.85 - 0.49875) / (1 - 0.49875), within(1e-12));
  }

  @Test
  void scottPiIsAlphaWithoutSmallSampleCorrection() {
    AgreementState s = new AgreementState(2);
    addPairs(s, 0, 0, 40);
    addPairs(s, 0, 1, 9);
    addPairs(s, 1, 0, 6);
    addPairs(s, 1, 1, 45);
    double pi = ScottPi.compute(s).value();
    // Scott: po = 0.85, pe = 0.475^2 + 0.525^2
    double pe = 0.475 * 0.475 + 0.525 * 0.525;
    assertThat(pi).isCloseTo((0.85 - pe) / (1 - pe), within(1e-12));
    double n = 200;
    double alpha =
        KrippendorffAlpha.value(s, Categories.of(java.util.List.of("0", "1")), Level.NOMINAL);
    assertThat(alpha).isCloseTo(1 - (n - 1) / n * (1 - pi), within(1e-12));
  }

  private static void addPairs(AgreementState s, int a, int b, int times) {
    for (int i = 0; i < times; i++) {
      s.add(ItemCounts.ofValues(a, b));
    }
  }
}
