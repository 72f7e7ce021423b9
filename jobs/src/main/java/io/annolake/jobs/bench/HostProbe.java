package io.annolake.jobs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * How fast the host is right now: one fixed single-threaded loop of random reads and writes over a
 * 32 MB array (memory as well as arithmetic), best of five rounds. On a shared host identical runs
 * differ by a third with what else runs there; the benchmark prints this before and after its runs,
 * so two figures are compared only when the host was equally fast for both.
 *
 * <p>The loop runs in a JVM of its own with compilation in the foreground ({@code -Xbatch}): in the
 * benchmark's fresh JVM the compiler queue is full of Spark's methods, and the loop would be timed
 * half compiled.
 */
final class HostProbe {
  private static final int ROUNDS = 5;
  private static final int STEPS = 20_000_000;

  /** Keeps the loop's result alive so the JIT cannot drop it. */
  private static volatile long sink;

  private HostProbe() {}

  /**
   * Milliseconds of the fastest round in a JVM of its own (lower: a faster host); NaN if it could
   * not run.
   */
  static double millis() {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command =
        List.of(
            java,
            "-Xbatch",
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            HostProbe.class.getName());
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0) {
        System.err.println("[bench] host probe failed: " + out);
        return Double.NaN;
      }
      return Double.parseDouble(out);
    } catch (IOException | NumberFormatException e) {
      System.err.println("[bench] host probe failed: " + e);
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  /** Prints the fastest round's milliseconds (run by {@link #millis()}). */
  public static void main(String[] args) {
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
    System.out.println(Math.round(best / 1e4) / 100.0);
  }
}
