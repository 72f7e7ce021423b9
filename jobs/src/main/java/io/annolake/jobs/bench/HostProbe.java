package io.annolake.jobs.bench;

/**
 * How fast the host is right now: one fixed single-threaded loop of random reads and writes over a
 * 32 MB array (memory as well as arithmetic), best of five rounds so the JIT's first round does
 * not count. On a shared host identical runs differ by a third with what else runs there; the
 * benchmark prints this before and after its runs, so two figures are compared only when the host
 * was equally fast for both.
 */
final class HostProbe {
  private static final int ROUNDS = 5;
  private static final int STEPS = 20_000_000;
  /** Keeps the loop's result alive so the JIT cannot drop it. */
  private static volatile long sink;

  private HostProbe() {}

  /** Milliseconds of the fastest round (lower: a faster host). */
  static double millis() {
    int[] data = new int[1 << 23];
    long best = Long.MAX_VALUE;
    for (int round = 0; round < ROUNDS; round++) {
      long started = System.nanoTime();
      long x = 0x9E3779B97F4A7C15L;
      long sum = 0;
      for (int i = 0; i < STEPS; i++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        int j = (int) (x & (data.length - 1));
        data[j] += i;
        sum += data[j];
      }
      best = Math.min(best, System.nanoTime() - started);
      sink ^= sum;
    }
    return Math.round(best / 1e4) / 100.0;
  }
}
