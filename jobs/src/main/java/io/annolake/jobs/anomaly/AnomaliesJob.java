package io.annolake.jobs.anomaly;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.annolake.common.anomaly.AnomalyComputation;
import io.annolake.common.anomaly.AnomalySettings;
import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.PipelineRuns;
import io.annolake.common.io.Predicates;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.ProgressReporter;
import io.annolake.common.spark.ScalaSeqs;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake anomalies}: flags suspicious work (annotations, workers, items, worker pairs) in
 * a window of days ending with the logical date, and keeps per-worker daily metrics as a baseline.
 */
@Command(
    name = "anomalies",
    mixinStandardHelpOptions = true,
    description = {
      "Flags duplicate submissions, impossible timestamps, too-fast workers, timing outliers, bursts,",
      "straight-lining, label-mix shifts, low consensus agreement, pre-label rubber stamping, gold",
      "failure spikes, collusion and contested items over the last --window-days days up to the",
      "logical date. Writes anomaly_flags (re-running a window replaces its flags) and",
      "worker_daily_metrics. Flags that need consensus_labels or gold_labels are skipped, and said so,",
      "when those tables are absent."
    })
public final class AnomaliesJob implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(
      names = "--project",
      paramLabel = "ID",
      description = "Only this project (other projects' rows are kept).")
  String project;

  @Option(
      names = "--window-days",
      paramLabel = "N",
      description = "Days in the window (default: annolake.anomalies.window-days).")
  Integer windowDays;

  /** Figures of one run. */
  public record Result(
      LocalDate windowStart,
      LocalDate windowEnd,
      long annotations,
      long flags,
      Map<String, Long> byCodeAndSeverity,
      Map<String, String> skipped,
      long dailyRows,
      Map<String, Long> versions) {
    @Override
    public String toString() {
      StringBuilder b =
          new StringBuilder(
              String.format(
                  "anomalies %s..%s: %,d annotations | %,d flags | %,d worker-day metric rows%n  flags by code/severity: %s",
                  windowStart, windowEnd, annotations, flags, dailyRows, byCodeAndSeverity));
      skipped.forEach((code, why) -> b.append(String.format("%n  skipped %s: %s", code, why)));
      return b.append(String.format("%n  table versions: %s", versions)).toString();
    }
  }

  @Override
  public Integer call() throws Exception {
    if (windowDays != null && windowDays < 1) {
      throw new ConfigException(
          "Invalid value '" + windowDays + "' for option '--window-days': must be at least 1");
    }
    Map<String, String> params = JobShell.params("project", project, "window-days", windowDays);
    Result result =
        JobShell.run(
            global,
            "anomalies",
            params,
            Map.of(),
            (run, progress, config) -> run(run, progress, config, project, windowDays));
    System.out.println(result);
    return 0;
  }

  /**
   * The job: pinned inputs, the window's detectors ({@link AnomalyComputation}), flags and daily
   * metrics written with provenance.
   */
  public static Result run(
      LakehouseRun run,
      ProgressReporter progress,
      AnnolakeConfig config,
      String project,
      Integer windowDays) {
    AnomalySettings s = AnomalySettings.from(config);
    if (windowDays != null) {
      s = s.withWindowDays(windowDays);
    }
    LocalDate last = run.context().logicalDate();
    LocalDate first = AnomalyComputation.firstDay(s, last);
    Dataset<Row> annotations = Predicates.onlyProject(run.readPinned(Tables.ANNOTATIONS), project);
    Dataset<Row> consensus =
        Predicates.onlyProject(run.readPinnedIfExists(Tables.CONSENSUS_LABELS), project);
    Dataset<Row> gold = Predicates.onlyProject(run.readPinnedIfExists(Tables.GOLD_LABELS), project);
    Dataset<Row> history =
        committedHistory(run, project, first.minusDays(s.window().historyDays()), first);

    Map<String, String> skipped = AnomalyComputation.skipped(consensus != null, gold != null);
    skipped.forEach((code, why) -> System.err.println("[anomalies] skipping " + code + ": " + why));
    try (AnomalyComputation c =
        AnomalyComputation.run(annotations, consensus, gold, history, s, last, progress::step)) {
      progress.step("writing " + Tables.WORKER_DAILY_METRICS + " and " + Tables.ANOMALY_FLAGS);
      Column mine = Predicates.project(project);
      run.overwrite(
          Tables.WORKER_DAILY_METRICS,
          c.daily(),
          c.dailyRows(),
          Predicates.and(
              col(Columns.DAY).between(lit(Date.valueOf(first)), lit(Date.valueOf(last))), mine));
      run.overwrite(
          Tables.ANOMALY_FLAGS,
          c.flags(),
          c.flagCount(),
          Predicates.and(
              Predicates.equalTo(Columns.WINDOW_START, Date.valueOf(first))
                  .and(Predicates.equalTo(Columns.WINDOW_END, Date.valueOf(last))),
              mine));

      Map<String, Long> versions = new LinkedHashMap<>();
      run.outputs().forEach(o -> versions.put(o.table(), o.versionAfter()));
      return new Result(
          first, last, c.answers(), c.flagCount(), c.counts(), skipped, c.dailyRows(), versions);
    }
  }

  /**
   * Daily metrics of days in [from, until) written by SUCCEEDED anomalies runs only: a run that
   * failed (rolled back) or never finished (killed) leaves no baseline behind.
   */
  static Dataset<Row> committedHistory(
      LakehouseRun run, String project, LocalDate from, LocalDate until) {
    if (!from.isBefore(until)) {
      return null;
    }
    Dataset<Row> metrics =
        Predicates.onlyProject(run.readPinnedIfExists(Tables.WORKER_DAILY_METRICS), project);
    Dataset<Row> runs = run.readPinnedIfExists(Tables.PIPELINE_RUNS);
    if (metrics == null || runs == null) {
      return null;
    }
    Dataset<Row> succeeded =
        runs.where(
                col(Columns.JOB)
                    .equalTo("anomalies")
                    .and(col(Columns.STATUS).equalTo(PipelineRuns.SUCCEEDED)))
            .select(Columns.RUN_ID)
            .distinct();
    return metrics
        .where(
            col(Columns.DAY)
                .geq(lit(Date.valueOf(from)))
                .and(col(Columns.DAY).lt(lit(Date.valueOf(until)))))
        .join(succeeded, ScalaSeqs.of(Columns.RUN_ID), "left_semi");
  }
}
