package io.annolake.common.agreement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Every coefficient of one slice from its (bootstrapped) state: alpha at each requested level,
 * Fleiss' kappa, Gwet's AC1, Scott's pi and percent agreement, each with a percentile interval when
 * the state carries bootstrap replicates. One row per coefficient, computed or not.
 */
public final class AgreementReport {
  private AgreementReport() {}

  public static List<Coefficient> compute(
      PoissonBootstrap state, Categories categories, Collection<Level> levels, double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException(
          "Cannot compute intervals: confidence " + confidence + " is not in (0, 1)");
    }
    AgreementState s = state.estimate();
    List<Coefficient> out = new ArrayList<>();
    for (Level level : levels) {
      Coefficient alpha = KrippendorffAlpha.compute(s, categories, level);
      out.add(
          withInterval(
              alpha, state, x -> KrippendorffAlpha.value(x, categories, level), confidence));
    }
    int m = s.modalRaters();
    out.add(withInterval(FleissKappa.compute(s), state, x -> FleissKappa.value(x, m), confidence));
    out.add(withInterval(GwetAc1.compute(s), state, GwetAc1::value, confidence));
    out.add(withInterval(ScottPi.compute(s), state, ScottPi::value, confidence));
    out.add(
        withInterval(
            ScottPi.percentAgreement(s), state, ScottPi::percentAgreementValue, confidence));
    return out;
  }

  private static Coefficient withInterval(
      Coefficient c,
      PoissonBootstrap state,
      java.util.function.Function<AgreementState, Double> f,
      double confidence) {
    if (!c.isOk() || state.replicates() == 0) {
      return c;
    }
    double[] ci = state.interval(f, confidence);
    return c.withInterval(ci[0], ci[1]);
  }
}
