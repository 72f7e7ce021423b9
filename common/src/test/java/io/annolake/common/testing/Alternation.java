package io.annolake.common.testing;

import io.annolake.common.stats.RobustStats;
import java.util.Arrays;

/**
 * Two ways of doing one thing, timed alternately in one JVM (the first round a warm-up), for the
 * trials that measure an internal API against the public one. Prints each round and the median of
 * the rounds after the first, with the ratio of the second way to the first; checks nothing.
 */
public final class Alternation {
  private Alternation() {}

  /**
   * @param name the prefix of every printed line (to grep a trial's output for)
   * @param unit what one round does, for the printed lines (e.g. "3,000,000 answers")
   */
  public static void time(
      String name,
      String unit,
      int rounds,
      String firstName,
      Runnable first,
      String secondName,
      Runnable second) {
    double[] a = new double[rounds];
    double[] b = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      long t0 = System.nanoTime();
      first.run();
      long t1 = System.nanoTime();
      second.run();
      long t2 = System.nanoTime();
      a[round] = (t1 - t0) / 1e6;
      b[round] = (t2 - t1) / 1e6;
      System.out.printf(
          "%s round %d: %s %.1f ms, %s %.1f ms (%s)%n",
          name, round + 1, firstName, a[round], secondName, b[round], unit);
    }
    double ma = RobustStats.median(Arrays.copyOfRange(a, 1, rounds));
    double mb = RobustStats.median(Arrays.copyOfRange(b, 1, rounds));
    System.out.printf(
        "%s median of rounds 2-%d: %s %.1f ms, %s %.1f ms (%.2fx)%n",
        name, rounds, firstName, ma, secondName, mb, mb / ma);
  }
}
