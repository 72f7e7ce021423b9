package io.annolake.common.agreement;

/**
 * Gwet's AC1 for any number of raters per item (nominal).
 *
 * <p>Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of high
 * agreement. British Journal of Mathematical and Statistical Psychology 61, 29-48; and Handbook of
 * Inter-Rater Reliability, 4th ed. (2014), ch. 4. With q categories, r_ik raters putting item i in
 * k and r_i = sum_k r_ik: pa = mean over items with r_i >= 2 of sum_k r_ik (r_ik - 1) / (r_i (r_i -
 * 1)); pi_k = mean over items with r_i >= 1 of r_ik / r_i; pe = sum_k pi_k (1 - pi_k) / (q - 1);
 * AC1 = (pa - pe) / (1 - pe).
 *
 * <p>q is the number of categories of the slice (the label schema's when known), at least 2.
 *
 * <p>Standard error: Gwet (2008), section 4 (the multi-rater variance, as in Gwet's irrCAC {@code
 * gwet.ac1.raw} with no finite-population correction). With n items (one rating or more), n2 of
 * them with two or more, pa_i the item's share of agreeing pairs (0 for a lone rating) and pe_i =
 * sum_k (r_ik / r_i)(1 - pi_k) / (q - 1): ac1_i = (n / n2)(pa_i - pe [r_i >= 2]) / (1 - pe), x_i =
 * ac1_i - 2 (1 - AC1)(pe_i - pe) / (1 - pe), var = sum_i (x_i - AC1)^2 / (n (n - 1)).
 */
public final class GwetAc1 {
  private GwetAc1() {}

  public static Coefficient compute(AgreementState s) {
    String name = Coefficient.GWET_AC1;
    long items = Math.round(s.items());
    long values = Math.round(s.annotations());
    if (s.categories() < 2) {
      return Coefficient.failed(
          name, Level.NOMINAL, Status.UNDEFINED, "fewer than two categories", items, values);
    }
    Double v = value(s);
    if (v == null) {
      return Coefficient.failed(
          name,
          Level.NOMINAL,
          Status.INSUFFICIENT_DATA,
          "no item has two or more ratings",
          items,
          values);
    }
    double se = standardError(s, v);
    return Coefficient.ok(name, Level.NOMINAL, v, se, items, values, StandardErrors.missingNote(s));
  }

  /**
   * Gwet's (2008) standard error of AC1 = {@code ac1}; NaN with fewer than two items or no item
   * patterns.
   */
  static double standardError(AgreementState s, double ac1) {
    double n = s.items();
    if (n < 2 || !s.hasPatterns()) {
      return Double.NaN;
    }
    int q = s.categories();
    double[] pi = new double[q];
    double pe = 0;
    for (int c = 0; c < q; c++) {
      pi[c] = s.shareSum(c) / n;
      pe += pi[c] * (1 - pi[c]);
    }
    pe /= q - 1;
    double scale = n / s.pairableItems();
    double peFinal = pe;
    double[] sum = {0};
    s.forEachPattern(
        (item, items) -> {
          int m = item.total();
          double pa = m < 2 ? 0 : StandardErrors.agreeingPairs(item) / ((double) m * (m - 1));
          double ac1i = scale * (pa - (m < 2 ? 0 : peFinal)) / (1 - peFinal);
          double pei = 0;
          for (int j = 0; j < item.distinct(); j++) {
            pei += (double) item.count(j) / m * (1 - pi[item.category(j)]);
          }
          pei /= q - 1;
          double x = ac1i - 2 * (1 - ac1) * (pei - peFinal) / (1 - peFinal);
          sum[0] += items * (x - ac1) * (x - ac1);
        });
    return Math.sqrt(sum[0] / (n * (n - 1)));
  }

  /** AC1, or null without pairable items or with fewer than two categories. */
  public static Double value(AgreementState s) {
    int q = s.categories();
    if (q < 2 || s.pairableItems() <= 0) {
      return null;
    }
    double pa = s.agreementSum() / s.pairableItems();
    double pe = 0;
    for (int c = 0; c < q; c++) {
      double pi = s.shareSum(c) / s.items();
      pe += pi * (1 - pi);
    }
    pe /= q - 1;
    return (pa - pe) / (1 - pe);
  }
}
