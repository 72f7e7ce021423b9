package io.annolake.common.agreement;

/**
 * Fleiss' kappa on the items with the modal number of raters m (Fleiss' model needs the same m for
 * every item; the note says which subset was used).
 *
 * <p>Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
 * Bulletin 76(5), 378-382. With N items, n_ij raters putting item i in category j: p_j = sum_i n_ij
 * / (N m), P_i = sum_j n_ij (n_ij - 1) / (m (m - 1)), P = mean P_i, Pe = sum_j p_j^2, kappa = (P -
 * Pe) / (1 - Pe).
 *
 * <p>Standard error: Gwet's linearisation (Handbook of Inter-Rater Reliability, 4th ed., 2014, ch.
 * 5; irrCAC's {@code fleiss.kappa.raw}, which on items with equal m is this kappa), not the one
 * under kappa = 0 of Fleiss, Nee and Landis (1979): with pe_i = sum_j (n_ij / m) p_j, x_i = (P_i -
 * Pe) / (1 - Pe) - 2 (1 - kappa)(pe_i - Pe) / (1 - Pe), var = sum_i (x_i - kappa)^2 / (N (N - 1)).
 */
public final class FleissKappa {
  private FleissKappa() {}

  public static Coefficient compute(AgreementState s) {
    String name = Coefficient.FLEISS_KAPPA;
    int m = s.modalRaters();
    if (m < 2) {
      return Coefficient.failed(
          name, Level.NOMINAL, Status.INSUFFICIENT_DATA, "no item has two or more ratings", 0, 0);
    }
    AgreementState.RaterGroup g = s.raters(m);
    long items = Math.round(g.items);
    long values = items * m;
    Double v = value(g, m);
    if (v == null) {
      return Coefficient.failed(
          name,
          Level.NOMINAL,
          Status.UNDEFINED,
          "no expected disagreement: all ratings are in one category",
          items,
          values);
    }
    String note =
        s.byRaters().size() > 1
            ? "items with the modal number of raters m="
                + m
                + ": "
                + items
                + " of "
                + Math.round(s.pairableItems())
                + " pairable items"
            : "all " + items + " pairable items have m=" + m + " raters";
    String missing = StandardErrors.missingNote(s);
    if (missing != null) {
      note = note + "; " + missing;
    }
    return Coefficient.ok(name, Level.NOMINAL, v, standardError(s, m, v), items, values, note);
  }

  /** Kappa of the group of items with m raters, or null when undefined. */
  public static Double value(AgreementState s, int m) {
    AgreementState.RaterGroup g = s.raters(m);
    if (g == null || g.items <= 0) {
      return null;
    }
    return value(g, m);
  }

  /** Kappa of the group, or null when Pe = 1. */
  private static Double value(AgreementState.RaterGroup g, int m) {
    double n = g.items;
    double p = g.pairAgreements / (n * m * (m - 1));
    double pe = expected(g, m);
    if (pe >= 1 - 1e-15) {
      return null;
    }
    return (p - pe) / (1 - pe);
  }

  private static double expected(AgreementState.RaterGroup g, int m) {
    double pe = 0;
    for (double total : g.totals) {
      double pj = total / (g.items * m);
      pe += pj * pj;
    }
    return pe;
  }

  /**
   * Gwet's standard error of the kappa of the items with m raters; NaN with fewer than two items or
   * no patterns.
   */
  static double standardError(AgreementState s, int m, double kappa) {
    AgreementState.RaterGroup g = s.raters(m);
    double n = g.items;
    if (n < 2 || !s.hasPatterns()) {
      return Double.NaN;
    }
    double pe = expected(g, m);
    double[] sum = {0};
    s.forEachPattern(
        (item, items) -> {
          if (item.total() != m) {
            return;
          }
          double pei = 0;
          for (int j = 0; j < item.distinct(); j++) {
            pei += (double) item.count(j) / m * (g.totals[item.category(j)] / (n * m));
          }
          double pa = StandardErrors.agreeingPairs(item) / ((double) m * (m - 1));
          double x = (pa - pe) / (1 - pe) - 2 * (1 - kappa) * (pei - pe) / (1 - pe);
          sum[0] += items * (x - kappa) * (x - kappa);
        });
    return Math.sqrt(sum[0] / (n * (n - 1)));
  }
}
