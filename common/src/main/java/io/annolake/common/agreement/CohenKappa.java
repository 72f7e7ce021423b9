package io.annolake.common.agreement;

/**
 * Cohen's kappa of two raters from their contingency table {@code table[a][b]} = items rater A put
 * in category a and rater B in b.
 *
 * <p>Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological
 * Measurement 20(1), 37-46: po = sum_a t_aa / N, pe = sum_a (row_a / N)(col_a / N), kappa = (po -
 * pe) / (1 - pe). Standard error: the large-sample one of Fleiss, Cohen and Everitt (1969),
 * Psychological Bulletin 72(5), 323-327 (the ASE that SAS PROC FREQ reports), with p_ab = t_ab / N
 * and marginals p_a., p_.b: var = [sum_a p_aa (1 - (p_a. + p_.a)(1 - kappa))^2 + (1 - kappa)^2
 * sum_{a != b} p_ab (p_.a + p_b.)^2 - (kappa - pe (1 - kappa))^2] / (N (1 - pe)^2).
 */
public final class CohenKappa {
  private CohenKappa() {}

  public static Coefficient compute(long[][] table) {
    String name = Coefficient.COHEN_KAPPA;
    int k = table.length;
    long n = 0;
    long agree = 0;
    double[] rows = new double[k];
    double[] cols = new double[k];
    for (int a = 0; a < k; a++) {
      if (table[a].length != k) {
        throw new IllegalArgumentException("Cannot compute Cohen's kappa: table is not square");
      }
      for (int b = 0; b < k; b++) {
        n += table[a][b];
        rows[a] += table[a][b];
        cols[b] += table[a][b];
      }
      agree += table[a][a];
    }
    if (n == 0) {
      return Coefficient.failed(
          name, Level.NOMINAL, Status.INSUFFICIENT_DATA, "the two raters share no item", 0, 0);
    }
    double po = (double) agree / n;
    double pe = 0;
    for (int a = 0; a < k; a++) {
      pe += rows[a] / n * (cols[a] / n);
    }
    if (pe >= 1 - 1e-15) {
      return Coefficient.failed(
          name,
          Level.NOMINAL,
          Status.UNDEFINED,
          "no expected disagreement: both raters used one category only",
          n,
          2 * n);
    }
    double kappa = (po - pe) / (1 - pe);
    double sum = 0;
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        double pab = (double) table[a][b] / n;
        if (a == b) {
          double d = 1 - (rows[a] + cols[a]) / n * (1 - kappa);
          sum += pab * d * d;
        } else {
          double d = (cols[a] + rows[b]) / n;
          sum += (1 - kappa) * (1 - kappa) * pab * d * d;
        }
      }
    }
    double last = kappa - pe * (1 - kappa);
    double se = Math.sqrt(Math.max(0, sum - last * last) / (n * (1 - pe) * (1 - pe)));
    return Coefficient.ok(name, Level.NOMINAL, kappa, se, n, 2 * n, null);
  }
}
