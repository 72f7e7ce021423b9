package io.annolake.common.agreement;

/**
 * Krippendorff's alpha from the coincidence matrix, at any level, with missing data.
 *
 * <p>Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
 * Communication, University of Pennsylvania. With o_ck the coincidences, n_c their marginals and
 * n = sum n_c (pairable values only):
 *
 * <pre>alpha = 1 - (n - 1) * sum_{c,k} o_ck delta2_ck / sum_{c,k} n_c n_k delta2_ck</pre>
 *
 * with delta2 nominal: [c != k]; ordinal: (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2; interval:
 * (c - k)^2; ratio: ((c - k) / (c + k))^2. Undefined (0/0) when all pairable values are in one
 * category.
 */
public final class KrippendorffAlpha {
  private KrippendorffAlpha() {}

  public static Coefficient compute(AgreementState s, Categories categories, Level level) {
    String name = Coefficient.KRIPPENDORFF_ALPHA;
    long items = Math.round(s.pairableItems());
    long values = Math.round(s.pairableValues());
    if ((level == Level.INTERVAL || level == Level.RATIO) && !categories.isNumeric()) {
      return Coefficient.failed(
          name, level, Status.INVALID_INPUT, "labels are not all numbers: cannot use the " + level.cliName() + " level", items, values);
    }
    Double alpha = value(s, categories, level);
    if (alpha == null) {
      return Coefficient.failed(name, level, Status.INSUFFICIENT_DATA, "fewer than two pairable values", items, values);
    }
    if (alpha.isNaN()) {
      return Coefficient.failed(
          name, level, Status.UNDEFINED, "no expected disagreement: all pairable values are in one category", items, values);
    }
    return Coefficient.ok(name, level, alpha, Double.NaN, items, values, null);
  }

  /** Alpha, NaN when undefined, null without two pairable values (bootstrap replicates use this). */
  public static Double value(AgreementState s, Categories categories, Level level) {
    int k = s.categories();
    double n = s.pairableValues();
    if (n < 2 || s.pairableItems() <= 0) {
      return null;
    }
    double[] marg = new double[k];
    for (int c = 0; c < k; c++) {
      marg[c] = s.marginal(c);
    }
    double observed = 0;
    double expected = 0;
    for (int c = 0; c < k; c++) {
      double cumulative = 0; // sum of n_g for g in c..kk (ordinal)
      for (int kk = c; kk < k; kk++) {
        cumulative += marg[kk];
        if (kk == c) {
          continue;
        }
        double d2 = delta2(level, categories, c, kk, cumulative, marg);
        // symmetric: count (c,kk) and (kk,c) together
        observed += (s.coincidence(c, kk) + s.coincidence(kk, c)) * d2;
        expected += 2 * marg[c] * marg[kk] * d2;
      }
    }
    if (expected == 0) {
      return Double.NaN;
    }
    return 1 - (n - 1) * observed / expected;
  }

  private static double delta2(Level level, Categories cats, int c, int k, double cumulative, double[] marg) {
    return switch (level) {
      case NOMINAL -> 1;
      case ORDINAL -> {
        double d = cumulative - (marg[c] + marg[k]) / 2;
        yield d * d;
      }
      case INTERVAL -> {
        double d = cats.value(c) - cats.value(k);
        yield d * d;
      }
      case RATIO -> {
        double sum = cats.value(c) + cats.value(k);
        double d = sum == 0 ? 0 : (cats.value(c) - cats.value(k)) / sum;
        yield d * d;
      }
    };
  }
}
