package io.annolake.common.agreement;

/**
 * Gwet's AC1 for any number of raters per item (nominal).
 *
 * <p>Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of
 * high agreement. British Journal of Mathematical and Statistical Psychology 61, 29-48; and
 * Handbook of Inter-Rater Reliability, 4th ed. (2014), ch. 4. With q categories, r_ik raters
 * putting item i in k and r_i = sum_k r_ik: pa = mean over items with r_i >= 2 of
 * sum_k r_ik (r_ik - 1) / (r_i (r_i - 1)); pi_k = mean over items with r_i >= 1 of r_ik / r_i;
 * pe = sum_k pi_k (1 - pi_k) / (q - 1); AC1 = (pa - pe) / (1 - pe).
 *
 * <p>q is the number of categories of the slice (the label schema's when known), at least 2.
 */
public final class GwetAc1 {
  private GwetAc1() {}

  public static Coefficient compute(AgreementState s) {
    String name = Coefficient.GWET_AC1;
    long items = Math.round(s.items());
    long values = Math.round(s.annotations());
    if (s.categories() < 2) {
      return Coefficient.failed(name, Level.NOMINAL, Status.UNDEFINED, "fewer than two categories", items, values);
    }
    Double v = value(s);
    if (v == null) {
      return Coefficient.failed(name, Level.NOMINAL, Status.INSUFFICIENT_DATA, "no item has two or more ratings", items, values);
    }
    return Coefficient.ok(name, Level.NOMINAL, v, Double.NaN, items, values, null);
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
