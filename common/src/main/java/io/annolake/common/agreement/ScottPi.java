package io.annolake.common.agreement;

/**
 * Scott's pi generalised to many raters and missing data, and percent agreement.
 *
 * <p>Scott, W. A. (1955). Reliability of content analysis: the case of nominal scale coding. Public
 * Opinion Quarterly 19(3), 321-325. Pooled over all pairable values (the coincidence matrix): Po =
 * sum_c o_cc / n, Pe = sum_c (n_c / n)^2, pi = (Po - Pe) / (1 - Pe). It is Krippendorff's nominal
 * alpha without the small-sample correction n / (n - 1).
 *
 * <p>Percent agreement is the mean over items with two or more values of the share of agreeing
 * rater pairs, sum_c n_c (n_c - 1) / (m (m - 1)) (Fleiss' P-bar when every item has m raters).
 *
 * <p>Standard errors (Gwet's linearisation, no finite-population correction): pi is alpha' of
 * {@link KrippendorffAlpha} at the nominal level and has that variance. Percent agreement, as
 * Gwet's irrCAC {@code pa.coeff.raw}: with n items (one rating or more) and n2 of them pairable,
 * x_i = (n / n2) pa_i (0 for a lone rating), var = sum_i (x_i - pa)^2 / (n (n - 1)).
 */
public final class ScottPi {
  private ScottPi() {}

  public static Coefficient compute(AgreementState s) {
    String name = Coefficient.SCOTT_PI;
    long items = Math.round(s.pairableItems());
    long values = Math.round(s.pairableValues());
    Double v = value(s);
    if (v == null) {
      return Coefficient.failed(
          name,
          Level.NOMINAL,
          Status.INSUFFICIENT_DATA,
          "fewer than two pairable values",
          items,
          values);
    }
    if (v.isNaN()) {
      return Coefficient.failed(
          name,
          Level.NOMINAL,
          Status.UNDEFINED,
          "no expected disagreement: all pairable values are in one category",
          items,
          values);
    }
    double se = KrippendorffAlpha.standardError(s, null, Level.NOMINAL);
    return Coefficient.ok(name, Level.NOMINAL, v, se, items, values, StandardErrors.missingNote(s));
  }

  /** Pi, NaN when undefined, null without pairable values. */
  public static Double value(AgreementState s) {
    double n = s.pairableValues();
    if (n < 2) {
      return null;
    }
    double po = 0;
    double pe = 0;
    for (int c = 0; c < s.categories(); c++) {
      po += s.coincidence(c, c);
      double share = s.marginal(c) / n;
      pe += share * share;
    }
    po /= n;
    if (pe >= 1 - 1e-15) {
      return Double.NaN;
    }
    return (po - pe) / (1 - pe);
  }

  /** Mean per-item percent agreement. */
  public static Coefficient percentAgreement(AgreementState s) {
    String name = Coefficient.PERCENT_AGREEMENT;
    long items = Math.round(s.pairableItems());
    long values = Math.round(s.pairableValues());
    Double v = percentAgreementValue(s);
    if (v == null) {
      return Coefficient.failed(
          name,
          Level.NOMINAL,
          Status.INSUFFICIENT_DATA,
          "no item has two or more ratings",
          items,
          values);
    }
    return Coefficient.ok(
        name,
        Level.NOMINAL,
        v,
        percentAgreementStandardError(s, v),
        items,
        values,
        StandardErrors.missingNote(s));
  }

  /**
   * The standard error of percent agreement {@code pa}; NaN with fewer than two items or no item
   * patterns.
   */
  static double percentAgreementStandardError(AgreementState s, double pa) {
    double n = s.items();
    if (n < 2 || !s.hasPatterns()) {
      return Double.NaN;
    }
    double scale = n / s.pairableItems();
    double[] sum = {0};
    s.forEachPattern(
        (item, items) -> {
          int m = item.total();
          double x =
              m < 2 ? 0 : scale * StandardErrors.agreeingPairs(item) / ((double) m * (m - 1));
          sum[0] += items * (x - pa) * (x - pa);
        });
    return Math.sqrt(sum[0] / (n * (n - 1)));
  }

  public static Double percentAgreementValue(AgreementState s) {
    return s.pairableItems() > 0 ? s.agreementSum() / s.pairableItems() : null;
  }
}
