package io.annolake.common.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import io.annolake.common.schema.rows.PipelineRunRow;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Keeps a backfill from overwriting newer state: a run for logical date D finds in pipeline_runs
 * whether a run of the same job for a later date SUCCEEDED over the same rows (its project, or
 * every project), and which version of each current-state table its date saw. pipeline_runs is read
 * once per run, on first use (a report pins about fifteen tables: one Spark job, not fifteen).
 */
public final class StateGuard {
  /** A guard that never finds newer state (tools and tests that write outside a scheduled run). */
  public static final StateGuard NONE = new StateGuard(null, null, null);

  private final String job;
  private final LocalDate logicalDate;
  private final String project;

  /** SUCCEEDED runs over the same rows, newest date first, one row per output (or none). */
  private List<Run> runs;

  /**
   * One SUCCEEDED run's output (table null for a run that wrote nothing); kept: a backfill's output
   * that kept the newer state, so not a write of its date's state.
   */
  private record Run(
      String job,
      String runId,
      LocalDate logicalDate,
      String table,
      Long versionAfter,
      boolean kept) {}

  /**
   * @param project the run's project, or null for a run over every project
   */
  public StateGuard(String job, LocalDate logicalDate, String project) {
    this.job = job;
    this.logicalDate = logicalDate;
    this.project = project;
  }

  /** A description of the newer run (its id and date), or null when there is none. */
  public String newerRun(Lakehouse lakehouse) {
    if (job == null) {
      return null;
    }
    for (Run r : runs(lakehouse)) {
      if (r.job().equals(job) && r.logicalDate().isAfter(logicalDate)) {
        return "run " + r.runId() + " for " + r.logicalDate();
      }
    }
    return null;
  }

  /**
   * The version of a current-state table as its state was at the end of this run's date: the
   * version written by the latest SUCCEEDED run (of any job) for a date up to this run's that wrote
   * it; null to read the latest version (nothing newer than this run's date wrote it, or no
   * record). A backfill thus reads the consensus, worker status and agreement its date saw.
   */
  public Long versionAsOf(Lakehouse lakehouse, String table) {
    if (job == null) {
      return null;
    }
    List<Run> writes =
        runs(lakehouse).stream().filter(r -> table.equals(r.table()) && !r.kept()).toList();
    if (writes.isEmpty() || !writes.get(0).logicalDate().isAfter(logicalDate)) {
      return null;
    }
    for (Run w : writes) {
      if (!w.logicalDate().isAfter(logicalDate)) {
        return w.versionAfter();
      }
    }
    return null;
  }

  private synchronized List<Run> runs(Lakehouse lakehouse) {
    if (runs == null) {
      runs = read(lakehouse);
    }
    return runs;
  }

  private List<Run> read(Lakehouse lakehouse) {
    if (!lakehouse.exists(Tables.PIPELINE_RUNS)) {
      return List.of();
    }
    Column runProject = col(Columns.PARAMS).getItem("project");
    Column sameRows =
        project == null ? lit(true) : runProject.isNull().or(runProject.equalTo(lit(project)));
    List<PipelineRunRow> succeeded =
        PipelineRunRow.READER.collect(
            lakehouse
                .read(Tables.PIPELINE_RUNS)
                .where(
                    col(Columns.STATUS)
                        .equalTo(lit(PipelineRuns.SUCCEEDED))
                        .and(col(Columns.LOGICAL_DATE).isNotNull())
                        .and(sameRows)));
    // newest first: by date, then by end time (a run with no end time last)
    List<PipelineRunRow> newestFirst = new ArrayList<>(succeeded);
    newestFirst.sort(
        Comparator.comparing(PipelineRunRow::logicalDate)
            .thenComparing(
                PipelineRunRow::endedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .reversed());
    List<Run> out = new ArrayList<>();
    for (PipelineRunRow r : newestFirst) {
      if (r.outputs().isEmpty()) {
        out.add(new Run(r.job(), r.runId(), r.logicalDate(), null, null, false));
      }
      for (PipelineRunRow.Output o : r.outputs()) {
        out.add(
            new Run(
                r.job(),
                r.runId(),
                r.logicalDate(),
                o.tableName(),
                o.versionAfter(),
                o.keptNewerState()));
      }
    }
    return out;
  }
}
