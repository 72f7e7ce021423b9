package io.annolake.common.agreement;

/**
 * Scott's pi generalised to many raters and missing data, and percent agreement.
 *
 * <p>Scott, W. A. (1955). Reliability of content analysis: the case of nominal scale coding.
 * Public Opinion Quarterly 19(3), 321-325. Pooled over all pairable values (the coincidence
 * matrix): Po = sum_c o_cc / n, Pe = sum_c (n_c / n)^2, pi = (Po - Pe) / (1 - Pe). It is
 * Krippendorff's nominal alpha without the small-sample correction n / (n - 1).
 *
 * <p>Percent agreement is the mean over items with two or more values of the share of agreeing
 * rater pairs, sum_c n_c (n_c - 1) / (m (m - 1)) (Fleiss' P-bar when every item has m raters).
 */
public final class ScottPi {
  private ScottPi() {}

  public static Coefficient compute(AgreementState s) {
    String name = Coefficient.SCOTT_PI;
    long items = Math.round(s.pairableItems());
    long values = Math.round(s.pairableValues());
    Double v = value(s);
    if (v == null) {
      return Coefficient.failed(name, Level.NOMINAL, Status.INSUFFICIENT_DATA, "fewer than two pairable values", items, values);
    }
    if (v.isNaN()) {
      return Coefficient.failed(
          name, Level.NOMINAL, Status.UNDEFINED, "no expected disagreement: all pairable values are in one category", items, values);
    }
    return Coefficient.ok(name, Level.NOMINAL, v, Double.NaN, items, values, null);
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
      return Coefficient.failed(name, Level.NOMINAL, Status.INSUFFICIENT_DATA, "no item has two or more ratings", items, values);
    }
    return Coefficient.ok(name, Level.NOMINAL, v, Double.NaN, items, values, null);
  }

  public static Double percentAgreementValue(AgreementState s) {
    return s.pairableItems() > 0 ? s.agreementSum() / s.pairableItems() : null;
  }
}
