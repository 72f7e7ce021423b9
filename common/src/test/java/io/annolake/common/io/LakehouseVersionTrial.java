package io.annolake.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.Alternation;
import io.annolake.common.testing.SparkTestSession;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
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

    Alternation.time(
        "lakehouse-version",
        CALLS + " calls",
        ROUNDS,
        "log snapshot",
        () -> {
          for (int i = 0; i < CALLS; i++) {
            lakehouse.version("labels");
          }
        },
        "history(1)",
        () -> {
          for (int i = 0; i < CALLS; i++) {
            historyVersion(table);
          }
        });
  }

  private static long historyVersion(DeltaTable table) {
    return table.history(1).select("version").head().getLong(0);
  }
}
