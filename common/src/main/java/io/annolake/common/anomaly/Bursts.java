package io.annolake.common.anomaly;

import java.util.Arrays;

/**
 * The densest stretch of a worker's submissions: how many fell within one window (e.g. a minute).
 */
public final class Bursts {
  private Bursts() {}

  /**
   * The window with the most submissions and the work time they claim.
   *
   * @param count submissions in [start, start + window)
   * @param claimedMs sum of their duration_ms (durations that are absent count 0)
   */
  public record Burst(int count, long startMs, long claimedMs) {
    public static final Burst NONE = new Burst(0, 0, 0);
  }

  /**
   * The densest half-open window of {@code windowMs} over submission instants (any order; inputs
   * are not modified). Ties go to the earliest window. {@code durationsMs} is parallel to {@code
   * submittedMs}.
   */
  public static Burst densest(long[] submittedMs, long[] durationsMs, long windowMs) {
    if (windowMs <= 0) {
      throw new IllegalArgumentException(
          "Cannot find bursts: window must be positive, got " + windowMs);
    }
    if (submittedMs.length != durationsMs.length) {
      throw new IllegalArgumentException(
          "Cannot find bursts: "
              + submittedMs.length
              + " instants but "
              + durationsMs.length
              + " durations");
    }
    int n = submittedMs.length;
    if (n == 0) {
      return Burst.NONE;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(submittedMs[a], submittedMs[b]));
    Burst best = Burst.NONE;
    long claimed = 0;
    int lo = 0;
    for (int hi = 0; hi < n; hi++) {
      claimed += Math.max(0, durationsMs[order[hi]]);
      while (submittedMs[order[hi]] - submittedMs[order[lo]] >= windowMs) {
        claimed -= Math.max(0, durationsMs[order[lo]]);
        lo++;
      }
      int count = hi - lo + 1;
      if (count > best.count()) {
        best = new Burst(count, submittedMs[order[lo]], claimed);
      }
    }
    return best;
  }
}
