package io.annolake.common.agreement;

/**
 * Pieces the analytic standard errors share. They follow Gwet's linearisation (Gwet 2008; Handbook
 * of Inter-Rater Reliability, 4th ed., 2014, ch. 5-6): a coefficient's variance is the variance of
 * per-item terms x_i whose mean is the coefficient, var = sum_i (x_i - coef)^2 / (n (n - 1)),
 * summed here per distinct item pattern (items of one pattern share x_i).
 */
final class StandardErrors {
  private StandardErrors() {}

  /** sum_k r_k (r_k - 1): the ordered pairs of the item's ratings that agree. */
  static long agreeingPairs(ItemCounts item) {
    long same = 0;
    for (int j = 0; j < item.distinct(); j++) {
      same += (long) item.count(j) * (item.count(j) - 1);
    }
    return same;
  }

  /**
   * A note saying why a computed coefficient has no standard error, or null when it can have one.
   */
  static String missingNote(AgreementState s) {
    return s.hasPatterns() ? null : "no analytic standard error: " + s.patternsMissing();
  }
}
