package io.annolake.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.SparkTestSession;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link Lakehouse#version} (Delta's log snapshot, an internal API) saves against the public
 * way to ask a table's version ({@code DeltaTable.history(1)}, which runs a Spark job), per call,
 * on a table of 20 commits. A measuring tool for docs/ARCHITECTURE.md's internals table, not a
 * check of time: {@code mvn -Ptrials test -pl common -Dtest=LakehouseVersionTrial}.
 */
@Tag("trial")
class LakehouseVersionTrial {
  private static final int COMMITS = 20;
  private static final int ROUNDS = 5;
  private static final int CALLS = 40;

  @Test
  void versionFromTheLogAgainstHistory(@TempDir Path dir) {
    SparkSession spark = SparkTestSession.get();
    Lakehouse lakehouse = new Lakehouse(spark, dir.toString(), "t");
    String path = lakehouse.path("labels");
    for (int i = 0; i < COMMITS; i++) {
      spark.range(10).write().format("delta").mode("append").save(path);
    }
    DeltaTable table = DeltaTable.forPath(spark, path);
    assertThat(lakehouse.version("labels")).isEqualTo(COMMITS - 1);
    assertThat(historyVersion(table)).isEqualTo(COMMITS - 1);

    double[] log = new double[ROUNDS];
    double[] history = new double[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) { // alternated, the first round a warm-up
      long t0 = System.nanoTime();
      for (int i = 0; i < CALLS; i++) {
        lakehouse.version("labels");
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < CALLS; i++) {
        historyVersion(table);
      }
      long t2 = System.nanoTime();
      log[round] = (t1 - t0) / 1e6 / CALLS;
      history[round] = (t2 - t1) / 1e6 / CALLS;
      System.out.printf(
          "lakehouse-version round %d: log snapshot %.2f ms/call, history(1) %.2f ms/call%n",
          round + 1, log[round], history[round]);
    }
    double logMedian = median(Arrays.copyOfRange(log, 1, ROUNDS));
    double historyMedian = median(Arrays.copyOfRange(history, 1, ROUNDS));
    System.out.printf(
        "lakehouse-version median of rounds 2-%d: log snapshot %.2f ms, history(1) %.2f ms (%.1fx)%n",
        ROUNDS, logMedian, historyMedian, historyMedian / logMedian);
  }

  private static long historyVersion(DeltaTable table) {
    return table.history(1).select("version").head().getLong(0);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
