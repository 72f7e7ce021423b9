package io.annolake.common.agreement;

/**
 * Fleiss' kappa on the items with the modal number of raters m (Fleiss' model needs the same m
 * for every item; the note says which subset was used).
 *
 * <p>Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
 * Bulletin 76(5), 378-382. With N items, n_ij raters putting item i in category j:
 * p_j = sum_i n_ij / (N m), P_i = sum_j n_ij (n_ij - 1) / (m (m - 1)), P = mean P_i,
 * Pe = sum_j p_j^2, kappa = (P - Pe) / (1 - Pe). Standard error under kappa = 0 from Fleiss, Nee
 * and Landis (1979), Psychological Bulletin 86(5), 974-977:
 * se = sqrt(2 / (N m (m - 1))) * sqrt((sum p_j q_j)^2 - sum p_j q_j (q_j - p_j)) / sum p_j q_j.
 */
public final class FleissKappa {
  private FleissKappa() {}

  public static Coefficient compute(AgreementState s) {
    String name = Coefficient.FLEISS_KAPPA;
    int m = s.modalRaters();
    if (m < 2) {
      return Coefficient.failed(name, Level.NOMINAL, Status.INSUFFICIENT_DATA, "no item has two or more ratings", 0, 0);
    }
    AgreementState.RaterGroup g = s.raters(m);
    long items = Math.round(g.items);
    long values = items * m;
    double[] v = values(g, m);
    if (v == null) {
      return Coefficient.failed(
          name, Level.NOMINAL, Status.UNDEFINED, "no expected disagreement: all ratings are in one category", items, values);
    }
    String note = "standard error under kappa = 0 (Fleiss, Nee, Landis 1979)";
    if (s.byRaters().size() > 1) {
      note = "items with the modal number of raters m=" + m + ": " + items + " of " + Math.round(s.pairableItems())
          + " pairable items; " + note;
    }
    return Coefficient.ok(name, Level.NOMINAL, v[0], v[1], items, values, note);
  }

  /** Kappa of the group of items with m raters, or null when undefined. */
  public static Double value(AgreementState s, int m) {
    AgreementState.RaterGroup g = s.raters(m);
    if (g == null || g.items <= 0) {
      return null;
    }
    double[] v = values(g, m);
    return v == null ? null : v[0];
  }

  /** {kappa, standard error}, or null when Pe = 1. */
  private static double[] values(AgreementState.RaterGroup g, int m) {
    double n = g.items;
    double p = g.pairAgreements / (n * m * (m - 1));
    double pe = 0;
    double pq = 0;
    double pqqp = 0;
    for (double total : g.totals) {
      double pj = total / (n * m);
      double qj = 1 - pj;
      pe += pj * pj;
      pq += pj * qj;
      pqqp += pj * qj * (qj - pj);
    }
    if (pe >= 1 - 1e-15) {
      return null;
    }
    double kappa = (p - pe) / (1 - pe);
    double se = Math.sqrt(2 / (n * m * (m - 1))) * Math.sqrt(Math.max(0, pq * pq - pqqp)) / pq;
    return new double[] {kappa, se};
  }
}
