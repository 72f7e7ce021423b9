package io.annolake.common.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The analytic standard errors (Gwet's linearisation) against hand-computed and published values.
 */
class StandardErrorTest {
  /** Two raters, two categories, four items: {0,0}, {0,1}, {1,1}, {0,0}. */
  private static AgreementState small() {
    AgreementState s = new AgreementState(2);
    s.add(ItemCounts.ofValues(0, 0))
        .add(ItemCounts.ofValues(0, 1))
        .add(ItemCounts.ofValues(1, 1))
        .add(ItemCounts.ofValues(0, 0));
    return s;
  }

  @Test
  void gwetAc1ByHand() {
    // pa_i = 1, 0, 1, 1: pa = 3/4; pi_0 = (1 + 1/2 + 0 + 1)/4 = 5/8; pe = 2 (5/8)(3/8) = 15/32;
    // AC1 = (3/4 - 15/32) / (17/32) = 9/17 = 153/289. Per item: ac1_i = (pa_i - pe)/(1 - pe) = 1 or
    // -15/17;
    // pe_i = sum_k s_ik (1 - pi_k) = 3/8, 1/2, 5/8, so pe_i - pe = -3/32, 1/32, 5/32; with
    // 2 (1 - AC1)/(1 - pe) = 512/289: x_i = 337/289, -271/289, 209/289, 337/289 (mean 153/289 =
    // AC1);
    // x_i - AC1 = 184, -424, 56, 184 (/289): var = (2*184^2 + 424^2 + 56^2) / 289^2 / (4*3).
    Coefficient ac1 = GwetAc1.compute(small());
    assertThat(ac1.value()).isCloseTo(9.0 / 17, within(1e-15));
    assertThat(ac1.standardError()).isCloseTo(Math.sqrt(250624.0 / 83521 / 12), within(1e-15));
  }

  @Test
  void fleissScottAndAlphaByHand() {
    // Fleiss, m = 2: p = 5/8, 3/8; Pe = 17/32; P = 3/4; kappa = (24/32 - 17/32)/(15/32) = 7/15 =
    // 105/225.
    // kappa_i = 1 or -17/15; pe_i = sum_j (n_ij/2) p_j = 20/32, 16/32, 12/32, so pe_i - Pe = 3/32,
    // -1/32,
    // -5/32; 2 (1 - kappa)/(1 - Pe) = 512/225: x_i = 177, -239, 305, 177 (/225), mean 105/225;
    // x_i - kappa = 72, -344, 200, 72 (/225): var = (2*72^2 + 344^2 + 200^2) / 225^2 / 12.
    double se = Math.sqrt(168704.0 / 50625 / 12);
    AgreementState s = small();
    Coefficient fleiss = FleissKappa.compute(s);
    assertThat(fleiss.value()).isCloseTo(7.0 / 15, within(1e-15));
    assertThat(fleiss.standardError()).isCloseTo(se, within(1e-15));
    // Every item has two values, so r_i = rbar, Scott's pi has the same marginals and per-item
    // terms.
    Coefficient pi = ScottPi.compute(s);
    assertThat(pi.value()).isCloseTo(7.0 / 15, within(1e-15));
    assertThat(pi.standardError()).isCloseTo(se, within(1e-15));
    Coefficient alpha =
        KrippendorffAlpha.compute(s, Categories.of(List.of("0", "1")), Level.NOMINAL);
    assertThat(alpha.standardError()).isCloseTo(se, within(1e-15));
  }

  @Test
  void percentAgreementByHand() {
    // n = n2 = 4, x_i = pa_i = 1, 0, 1, 1; pa = 3/4: var = (3 * 1/16 + 9/16) / 12 = 1/16.
    Coefficient pa = ScottPi.percentAgreement(small());
    assertThat(pa.standardError()).isCloseTo(0.25, within(1e-15));
  }

  @Test
  void matchesGwetsPublishedFiguresOnTheFourRaterExample() {
    // irrCAC's cac.raw4raters is Krippendorff's 4 x 12 example; its documentation prints (rounded
    // to
    // 5 digits): percent agreement 0.8181818 (se 0.12561), AC1 0.77544 (se 0.14295), alpha 0.74342
    // (se 0.14548).
    Answers answers = KrippendorffAlphaTest.textbook();
    Categories cats = answers.categories();
    List<Coefficient> all =
        AgreementReport.compute(answers.state(cats, 0, 1), cats, List.of(Level.NOMINAL), 0.95);
    Coefficient pa = KrippendorffAlphaTest.find(all, Coefficient.PERCENT_AGREEMENT);
    assertThat(pa.value()).isCloseTo(0.8181818, within(1e-7));
    assertThat(pa.standardError()).isCloseTo(0.12561, within(5e-6));
    Coefficient ac1 = KrippendorffAlphaTest.find(all, Coefficient.GWET_AC1);
    assertThat(ac1.value()).isCloseTo(0.77544, within(5e-6));
    assertThat(ac1.standardError()).isCloseTo(0.14295, within(5e-6));
    Coefficient alpha = KrippendorffAlphaTest.find(all, Coefficient.KRIPPENDORFF_ALPHA);
    assertThat(alpha.value()).isCloseTo(0.74342, within(5e-6));
    assertThat(alpha.standardError()).isCloseTo(0.14548, within(5e-6));
  }

  @Test
  void ordinalAlphaHasOnlyTheBootstrap() {
    Answers answers = KrippendorffAlphaTest.textbook();
    Categories cats = answers.categories();
    Coefficient ordinal =
        KrippendorffAlpha.compute(answers.state(cats, 0, 1).estimate(), cats, Level.ORDINAL);
    assertThat(ordinal.standardError()).isNaN();
    assertThat(ordinal.note()).contains("ordinal");
    Coefficient interval =
        KrippendorffAlpha.compute(answers.state(cats, 0, 1).estimate(), cats, Level.INTERVAL);
    assertThat(interval.standardError()).isPositive();
  }

  @Test
  void mergedStatesGiveTheSameStandardErrors() {
    AgreementState whole = small();
    AgreementState a =
        new AgreementState(2).add(ItemCounts.ofValues(0, 0)).add(ItemCounts.ofValues(0, 1));
    AgreementState b =
        new AgreementState(2).add(ItemCounts.ofValues(1, 1)).add(ItemCounts.ofValues(0, 0));
    a.merge(b);
    assertThat(GwetAc1.compute(a).standardError())
        .isCloseTo(GwetAc1.compute(whole).standardError(), within(1e-15));
    assertThat(FleissKappa.compute(a).standardError())
        .isCloseTo(FleissKappa.compute(whole).standardError(), within(1e-15));
  }

  @Test
  void tooManyPatternsLeaveTheValueAndSayWhyThereIsNoStandardError() {
    AgreementState s = new AgreementState(2);
    for (int a = 0; a <= 400; a++) {
      for (int b = 0; b <= 300; b++) {
        s.add(ItemCounts.ofDense(a, b));
      }
    }
    Coefficient ac1 = GwetAc1.compute(s);
    assertThat(ac1.status()).isEqualTo(Status.OK);
    assertThat(ac1.standardError()).isNaN();
    assertThat(ac1.note()).contains("more than " + AgreementState.MAX_PATTERNS);
  }
}
