package io.annolake.common.agreement;

/**
 * Krippendorff's alpha from the coincidence matrix, at any level, with missing data.
 *
 * <p>Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
 * Communication, University of Pennsylvania. With o_ck the coincidences, n_c their marginals and n
 * = sum n_c (pairable values only):
 *
 * <pre>alpha = 1 - (n - 1) * sum_{c,k} o_ck delta2_ck / sum_{c,k} n_c n_k delta2_ck</pre>
 *
 * with delta2 nominal: [c != k]; ordinal: (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2; interval: (c -
 * k)^2; ratio: ((c - k) / (c + k))^2. Undefined (0/0) when all pairable values are in one category.
 *
 * <p>Standard error (nominal, interval, ratio): Gwet's linearisation for alpha (Handbook of
 * Inter-Rater Reliability, 4th ed., 2014, ch. 5; as in Gwet's irrCAC {@code krippen.alpha.raw}, no
 * finite-population correction). With agreement weights w_kl = 1 - delta2_kl / max delta2, the n
 * pairable items, r_i their values, rbar = mean r_i, pi_k = n_k / n_values, pa' = sum_kl w_kl o_kl
 * / n_values, pe = sum_kl w_kl pi_k pi_l, alpha' = (pa' - pe) / (1 - pe) (alpha without the
 * small-sample correction, i.e. {@link ScottPi} at the nominal level) and per item pa_i = sum_k
 * r_ik (sum_l w_kl r_il - 1) / (rbar (r_i - 1)) - pa' (r_i - rbar) / rbar, pe_i = sum_k r_ik sum_l
 * w_kl pi_l / rbar - pe (r_i - rbar) / rbar, x_i = (pa_i - pe) / (1 - pe) - 2 (1 - alpha')(pe_i -
 * pe) / (1 - pe): var = sum_i (x_i - alpha')^2 / (n (n - 1)). alpha = (1 - 1/n_values) alpha' +
 * 1/n_values, so this is alpha's variance to first order. Ordinal: none (its metric depends on the
 * marginals, which the linearisation takes as fixed); the bootstrap interval is the measure there.
 */
public final class KrippendorffAlpha {
  private KrippendorffAlpha() {}

  public static Coefficient compute(AgreementState s, Categories categories, Level level) {
    String name = Coefficient.KRIPPENDORFF_ALPHA;
    long items = Math.round(s.pairableItems());
    long values = Math.round(s.pairableValues());
    if ((level == Level.INTERVAL || level == Level.RATIO) && !categories.isNumeric()) {
      return Coefficient.failed(
          name,
          level,
          Status.INVALID_INPUT,
          "labels are not all numbers: cannot use the " + level.cliName() + " level",
          items,
          values);
    }
    Double alpha = value(s, categories, level);
    if (alpha == null) {
      return Coefficient.failed(
          name, level, Status.INSUFFICIENT_DATA, "fewer than two pairable values", items, values);
    }
    if (alpha.isNaN()) {
      return Coefficient.failed(
          name,
          level,
          Status.UNDEFINED,
          "no expected disagreement: all pairable values are in one category",
          items,
          values);
    }
    if (level == Level.ORDINAL) {
      return Coefficient.ok(
          name,
          level,
          alpha,
          Double.NaN,
          items,
          values,
          "no analytic standard error at the ordinal level (its metric depends on the marginals)");
    }
    return Coefficient.ok(
        name,
        level,
        alpha,
        standardError(s, categories, level),
        items,
        values,
        StandardErrors.missingNote(s));
  }

  /**
   * Gwet's standard error of alpha' (see the class comment) at a level with a fixed metric
   * (nominal, interval, ratio); NaN when undefined or the item patterns are not known.
   */
  static double standardError(AgreementState s, Categories categories, Level level) {
    if (level == Level.ORDINAL) {
      throw new IllegalArgumentException(
          "Cannot compute a linearised standard error at the ordinal level");
    }
    int k = s.categories();
    double values = s.pairableValues();
    double n = s.pairableItems();
    if (n < 2 || values < 2 || !s.hasPatterns()) {
      return Double.NaN;
    }
    double[][] w = new double[k][k];
    double maxDelta = 0;
    for (int c = 0; c < k; c++) {
      for (int l = 0; l < k; l++) {
        w[c][l] = delta2(level, categories, c, l, 0, null);
        maxDelta = Math.max(maxDelta, w[c][l]);
      }
    }
    if (maxDelta == 0) {
      return Double.NaN;
    }
    double[] pi = new double[k];
    for (int c = 0; c < k; c++) {
      pi[c] = s.marginal(c) / values;
    }
    double paPrime = 0;
    double pe = 0;
    double[] piW = new double[k];
    for (int c = 0; c < k; c++) {
      for (int l = 0; l < k; l++) {
        w[c][l] = c == l ? 1 : 1 - w[c][l] / maxDelta;
        paPrime += w[c][l] * s.coincidence(c, l);
        pe += w[c][l] * pi[c] * pi[l];
        piW[c] += w[c][l] * pi[l];
      }
    }
    paPrime /= values;
    if (pe >= 1 - 1e-15) {
      return Double.NaN;
    }
    double alphaPrime = (paPrime - pe) / (1 - pe);
    double rbar = values / n;
    double pa0 = paPrime;
    double pe0 = pe;
    double[] sum = {0};
    s.forEachPattern(
        (item, items) -> {
          int r = item.total();
          if (r < 2) {
            return; // not a pairable item
          }
          double sumQ = 0;
          double piWeighted = 0;
          for (int a = 0; a < item.distinct(); a++) {
            int c = item.category(a);
            double weighted = 0;
            for (int b = 0; b < item.distinct(); b++) {
              weighted += w[c][item.category(b)] * item.count(b);
            }
            sumQ += item.count(a) * (weighted - 1);
            piWeighted += item.count(a) * piW[c];
          }
          double spread = (r - rbar) / rbar;
          double pai = sumQ / (rbar * (r - 1)) - pa0 * spread;
          double pei = piWeighted / rbar - pe0 * spread;
          double x = (pai - pe0) / (1 - pe0) - 2 * (1 - alphaPrime) * (pei - pe0) / (1 - pe0);
          sum[0] += items * (x - alphaPrime) * (x - alphaPrime);
        });
    return Math.sqrt(sum[0] / (n * (n - 1)));
  }

  /**
   * Alpha, NaN when undefined, null without two pairable values (bootstrap replicates use this).
   */
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

  private static double delta2(
      Level level, Categories cats, int c, int k, double cumulative, double[] marg) {
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
