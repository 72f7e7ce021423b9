package io.annolake.common.io;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annolake.common.provenance.RunContext;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write path's guarantees: a failed run's undo touches only its own rows, runs for different
 * projects commit to one table at once, a conflict is retried, and a backfill keeps newer state.
 */
class LakehouseRunSafetyTest {
  private static final String TABLE =
      Tables.WORKER_QUALITY; // partitioned by project, current state
  private static final StructType SCHEMA =
      new StructType().add("project_id", "string").add("worker_id", "string").add("score", "int");
  private final SparkSession spark = SparkTestSession.get();

  private Dataset<Row> rows(String project, int score, String... workers) {
    List<Row> list = new ArrayList<>();
    for (String w : workers) {
      list.add(RowFactory.create(project, w, score));
    }
    return spark.createDataFrame(list, SCHEMA);
  }

  private LakehouseRun run(Lakehouse lakehouse, String id, String project, String date) {
    RunContext context =
        RunContext.create(
            id,
            "test-job",
            LocalDate.parse(date),
            "h",
            project == null ? Map.of() : Map.of("project", project));
    return new LakehouseRun(
        lakehouse,
        context,
        Commits.DEFAULT,
        new StateGuard("test-job", context.logicalDate(), project));
  }

  private List<String> content(Lakehouse lakehouse) {
    List<String> out = new ArrayList<>();
    for (Row r : lakehouse.read(TABLE).orderBy("project_id", "worker_id").collectAsList()) {
      out.add(
          r.getAs("project_id")
              + "/"
              + r.getAs("worker_id")
              + "="
              + r.getAs("score")
              + "@"
              + r.getAs("run_id"));
    }
    return out;
  }

  @Test
  void undoOfAFailedRunKeepsEveryOtherRunsCommits(@TempDir Path root) {
    Lakehouse lakehouse = new Lakehouse(spark, root.toString(), "safety");
    run(lakehouse, "seed", null, "2026-01-01")
        .overwrite(TABLE, rows("p1", 1, "w1").union(rows("p2", 1, "w2")), 2);

    LakehouseRun failing = run(lakehouse, "a", "p1", "2026-01-02");
    failing.overwrite(TABLE, rows("p1", 2, "w1", "w3"), 2, Predicates.project("p1"));
    // another project's run commits after the failing run's write, before its undo
    run(lakehouse, "b", "p2", "2026-01-02")
        .overwrite(TABLE, rows("p2", 5, "w2"), 1, Predicates.project("p2"));
    assertThat(failing.undo()).containsExactly(TABLE);

    // p1 is back as before the failing run; p2 keeps run b's commit (a RESTORE would have erased
    // it)
    assertThat(content(lakehouse)).containsExactly("p1/w1=1@seed", "p2/w2=5@b");
  }

  @Test
  void undoOfATableTheRunCreatedDeletesOnlyItsRows(@TempDir Path root) {
    Lakehouse lakehouse = new Lakehouse(spark, root.toString(), "safety");
    LakehouseRun failing = run(lakehouse, "a", "p1", "2026-01-02");
    failing.overwrite(TABLE, rows("p1", 2, "w1"), 1, Predicates.project("p1"));
    run(lakehouse, "b", "p2", "2026-01-02")
        .overwrite(TABLE, rows("p2", 5, "w2"), 1, Predicates.project("p2"));
    failing.undo();
    assertThat(content(lakehouse)).containsExactly("p2/w2=5@b");
  }

  @Test
  void runsForDifferentProjectsCommitTogetherAndHostileIdsStayInTheirSlice(@TempDir Path root)
      throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark, root.toString(), "safety");
    List<String> projects = List.of("obrien", "o'brien", "a\\'b", "x' OR '1'='1");
    Commits noRetry =
        new Commits(1, 0, 0); // a conflict would fail the write: partitions must keep them apart
    run(lakehouse, "seed", null, "2026-01-01").overwrite(TABLE, rows("seed", 0, "w0"), 1);
    ExecutorService pool = Executors.newFixedThreadPool(projects.size());
    try {
      List<Callable<Void>> writes = new ArrayList<>();
      for (String p : projects) {
        writes.add(
            () -> {
              RunContext context =
                  RunContext.create(
                      "run-" + p,
                      "test-job",
                      LocalDate.parse("2026-01-02"),
                      "h",
                      Map.of("project", p));
              new LakehouseRun(lakehouse, context, noRetry, StateGuard.NONE)
                  .overwrite(TABLE, rows(p, 7, "w"), 1, Predicates.project(p));
              return null;
            });
      }
      for (Future<Void> f : pool.invokeAll(writes)) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(lakehouse.partitionColumns(TABLE)).containsExactly("project_id");
    List<String> expected = new ArrayList<>();
    projects.forEach(p -> expected.add(p + "/w=7@run-" + p));
    expected.add("seed/w0=0@seed");
    Collections.sort(expected);
    List<String> actual = new ArrayList<>(content(lakehouse));
    Collections.sort(actual);
    assertThat(actual).isEqualTo(expected);

    // one project's rows replaced again: none of the look-alike projects is touched
    run(lakehouse, "again", "o'brien", "2026-01-03")
        .overwrite(TABLE, rows("o'brien", 8, "v"), 1, Predicates.project("o'brien"));
    assertThat(content(lakehouse))
        .contains("obrien/w=7@run-obrien", "o'brien/v=8@again", "a\\'b/w=7@run-a\\'b")
        .doesNotContain("o'brien/w=7@run-o'brien");
  }

  @Test
  void aConflictingCommitIsRetriedAndAnExhaustedOneFails() {
    int[] calls = {0};
    new Commits(3, 1, 2)
        .retry(
            "t",
            () -> {
              if (++calls[0] < 3) {
                throw new io.delta.exceptions.ConcurrentAppendException("conflict " + calls[0]);
              }
            });
    assertThat(calls[0]).isEqualTo(3);
    assertThatThrownBy(
            () ->
                new Commits(2, 1, 2)
                    .retry(
                        "t",
                        () -> {
                          throw new io.delta.exceptions.MetadataChangedException("always");
                        }))
        .isInstanceOf(java.util.ConcurrentModificationException.class);
    int[] other = {0};
    assertThatThrownBy(
            () ->
                new Commits(5, 1, 2)
                    .retry(
                        "t",
                        () -> {
                          other[0]++;
                          throw new IllegalStateException("not a conflict");
                        }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(other[0]).isEqualTo(1);
  }

  @Test
  void aBackfillKeepsTheNewerStateAndRecordsItsOwnResult(@TempDir Path root) {
    Lakehouse lakehouse = new Lakehouse(spark, root.toString(), "safety");
    LakehouseRun day5 = run(lakehouse, "d5", "p1", "2026-01-05");
    day5.overwrite(TABLE, rows("p1", 5, "w1"), 1, Predicates.project("p1"));
    PipelineRuns.finished(day5, PipelineRuns.SUCCEEDED, null);

    LakehouseRun day2 = run(lakehouse, "d2", "p1", "2026-01-02");
    day2.overwrite(TABLE, rows("p1", 2, "w1", "w2"), 2, Predicates.project("p1"));
    assertThat(content(lakehouse)).containsExactly("p1/w1=5@d5");
    LakehouseRun.Output kept = day2.outputs().get(0);
    assertThat(kept.keptNewerState()).contains("d5");
    assertThat(kept.rows()).isEqualTo(2);
    assertThat(kept.digest()).isEqualTo(Digest.of(rows("p1", 2, "w1", "w2")).value());

    // another project's backfill is not held back by p1's newer run; its rows carry their date
    run(lakehouse, "q2", "p2", "2026-01-02")
        .overwrite(TABLE, rows("p2", 2, "w9"), 1, Predicates.project("p2"));
    assertThat(
            lakehouse
                .read(TABLE)
                .where(col("project_id").equalTo("p2"))
                .select("as_of_date")
                .head()
                .getDate(0))
        .hasToString("2026-01-02");
  }

  @Test
  void aBackfillOfDayRowsReplacesOnlyTheDaysNoLaterRunWrote(@TempDir Path root) {
    Lakehouse lakehouse = new Lakehouse(spark, root.toString(), "safety");
    String table = Tables.WORKER_DAILY_METRICS; // each run rewrites a window of days
    LakehouseRun day1 = run(lakehouse, "d1", "p1", "2026-01-01");
    day1.overwrite(table, days("p1", 1, "2026-01-01"), 1, window("p1", "2026-01-01", "2026-01-01"));
    PipelineRuns.finished(day1, PipelineRuns.SUCCEEDED, null);
    LakehouseRun day3 = run(lakehouse, "d3", "p1", "2026-01-03");
    day3.overwrite(
        table,
        days("p1", 3, "2026-01-02", "2026-01-03"),
        2,
        window("p1", "2026-01-02", "2026-01-03"));
    PipelineRuns.finished(day3, PipelineRuns.SUCCEEDED, null);

    // the backfill of day 2 recomputes days 1 and 2; day 2's row is day 3's figures and stays
    run(lakehouse, "b2", "p1", "2026-01-02")
        .overwrite(
            table,
            days("p1", 2, "2026-01-01", "2026-01-02"),
            2,
            window("p1", "2026-01-01", "2026-01-02"));
    List<String> rows = new ArrayList<>();
    for (Row r : lakehouse.read(table).orderBy("day").collectAsList()) {
      rows.add(
          r.getAs("day")
              + "="
              + r.getAs("answers")
              + "@"
              + r.getAs("run_id")
              + "/"
              + r.getAs("as_of_date"));
    }
    assertThat(rows)
        .containsExactly(
            "2026-01-01=2@b2/2026-01-02",
            "2026-01-02=3@d3/2026-01-03",
            "2026-01-03=3@d3/2026-01-03");
  }

  private Dataset<Row> days(String project, int answers, String... days) {
    StructType schema =
        new StructType()
            .add("project_id", "string")
            .add("step", "string")
            .add("worker_id", "string")
            .add("day", "date")
            .add("answers", "int");
    List<Row> list = new ArrayList<>();
    for (String d : days) {
      list.add(RowFactory.create(project, "s", "w1", java.sql.Date.valueOf(d), answers));
    }
    return spark.createDataFrame(list, schema);
  }

  private static Column window(String project, String from, String to) {
    return Predicates.and(
        col("day").between(java.sql.Date.valueOf(from), java.sql.Date.valueOf(to)),
        Predicates.project(project));
  }
}
