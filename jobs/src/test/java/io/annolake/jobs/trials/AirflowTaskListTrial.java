package io.annolake.jobs.trials;

import static io.annolake.jobs.CliRun.ok;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daily DAG's exact task list (conf/airflow/tasks.json) through bin/annolake, as Airflow runs
 * it: three consecutive dates (the second without the kinds that do not land every day), a task
 * killed with SIGKILL mid-run and retried, then a backfill of the first date. Every table must
 * equal a clean run's (the same dates, in order, in-process).
 */
@Tag("trial")
class AirflowTaskListTrial {
  private static final List<String> DATES = List.of("2026-01-05", "2026-01-06", "2026-01-07");
  private final SparkSession spark = SparkTestSession.get();

  private static String runId(String ds) {
    return "scheduled__" + ds; // Airflow's run id of a scheduled DAG run; tasks.json appends :task
  }

  @Test
  void threeDatesAKillAndABackfillEqualCleanRuns(@TempDir Path dir) throws Exception {
    Path root = Path.of(System.getProperty("annolake.project.root", ".")).toAbsolutePath();
    List<TaskList.Task> tasks =
        TaskList.read(root.resolve("conf/airflow/tasks.json")).inDependencyOrder();
    String landing = dir.resolve("landing").toString();
    for (int i = 0; i < DATES.size(); i++) {
      ok(
          "generate",
          "--out",
          landing + "/" + DATES.get(i),
          "--format",
          "csv",
          "--annotations",
          "1200",
          "--days",
          "1",
          "--start-date",
          DATES.get(i),
          "--seed",
          String.valueOf(70 + i),
          "--bad-rate",
          "0.01");
    }

    // an ordinary day: no guideline change, no questions, no adjudications landed
    for (String kind : List.of("guidelines", "flags", "adjudications")) {
      FileUtils.deleteDirectory(Path.of(landing, DATES.get(1), kind).toFile());
    }

    String clean = dir.resolve("clean").toString();
    for (String ds : DATES) {
      for (TaskList.Task t : tasks) {
        ok(t.command(landing, clean, ds, runId(ds)).toArray(String[]::new));
      }
    }

    Launcher annolake = new Launcher(dir);
    String trial = dir.resolve("trial").toString();
    for (String ds : DATES) {
      for (TaskList.Task t : tasks) {
        List<String> command = t.command(landing, trial, ds, runId(ds));
        if (ds.equals(DATES.get(1)) && t.id().equals("consensus")) {
          Launcher.Running killed = annolake.start(command);
          Thread.sleep(12_000); // past the JVM and session start, into the job
          killed.kill();
          assertThat(killed.process().exitValue()).as(killed.output()).isNotZero();
        }
        assertThat(annolake.run(command)).as(String.join(" ", command)).isZero(); // the retry
      }
    }
    for (TaskList.Task t : tasks) { // Airflow's backfill of the first date (its clear-and-rerun)
      assertThat(annolake.run(t.command(landing, trial, DATES.get(0), runId(DATES.get(0)))))
          .isZero();
    }

    Map<String, List<String>> expected = TableContents.of(new Lakehouse(spark, clean, "annolake"));
    Map<String, List<String>> actual = TableContents.of(new Lakehouse(spark, trial, "annolake"));
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    // every differing table reported, not only the first: one run of this trial takes 45 minutes
    SoftAssertions tables = new SoftAssertions();
    for (String table : expected.keySet()) {
      tables.assertThat(actual.get(table)).as(table).isEqualTo(expected.get(table));
    }
    tables.assertAll();
    // the backfill computed its result and kept the newer state, saying so in pipeline_runs
    long kept =
        new Lakehouse(spark, trial, "annolake")
            .read(Tables.PIPELINE_RUNS)
            .where(
                col("job")
                    .equalTo(lit("consensus"))
                    .and(col("logical_date").equalTo(lit(java.sql.Date.valueOf(DATES.get(0))))))
            .select(explode(col("outputs")).as("o"))
            .where(col("o.kept_newer_state").isNotNull())
            .count();
    assertThat(kept).isEqualTo(Tables.CONSENSUS_TABLES.size());
  }
}
