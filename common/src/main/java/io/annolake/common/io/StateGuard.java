package io.annolake.common.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import io.annolake.common.schema.Tables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * Keeps a backfill from overwriting newer state: a run for logical date D finds in pipeline_runs
 * whether a run of the same job for a later date SUCCEEDED over the same rows (its project, or
 * every project). Asked once per run, lazily (only runs that write current-state tables ask).
 */
public final class StateGuard {
  /** A guard that never finds newer state (tools and tests that write outside a scheduled run). */
  public static final StateGuard NONE = new StateGuard(null, null, null);

  private final String job;
  private final LocalDate logicalDate;
  private final String project;
  private String answer;
  private boolean asked;

  /**
   * @param project the run's project, or null for a run over every project
   */
  public StateGuard(String job, LocalDate logicalDate, String project) {
    this.job = job;
    this.logicalDate = logicalDate;
    this.project = project;
  }

  /** A description of the newer run (its id and date), or null when there is none. */
  public synchronized String newerRun(Lakehouse lakehouse) {
    if (job == null) {
      return null;
    }
    if (!asked) {
      answer = find(lakehouse);
      asked = true;
    }
    return answer;
  }

  /**
   * The version of a current-state table as its state was at the end of this run's date: the
   * version written by the latest SUCCEEDED run (of any job) for a date up to this run's that wrote
   * it; null to read the latest version (nothing newer than this run's date wrote it, or no
   * record). A backfill thus reads the consensus, worker status and agreement its date saw.
   */
  public Long versionAsOf(Lakehouse lakehouse, String table) {
    if (job == null || !lakehouse.exists(Tables.PIPELINE_RUNS)) {
      return null;
    }
    Column runProject = col("params").getItem("project");
    Column sameRows =
        project == null ? lit(true) : runProject.isNull().or(runProject.equalTo(lit(project)));
    List<Row> writes =
        lakehouse
            .read(Tables.PIPELINE_RUNS)
            .where(col("status").equalTo(lit(PipelineRuns.SUCCEEDED)).and(sameRows))
            .select(col("logical_date"), col("ended_at"), explode(col("outputs")).as("o"))
            .where(col("o.table_name").equalTo(lit(table)).and(col("o.kept_newer_state").isNull()))
            .orderBy(col("logical_date").desc(), col("ended_at").desc())
            .select(col("logical_date"), col("o.version_after"))
            .collectAsList();
    if (writes.isEmpty() || !writes.get(0).getDate(0).toLocalDate().isAfter(logicalDate)) {
      return null;
    }
    for (Row w : writes) {
      if (!w.getDate(0).toLocalDate().isAfter(logicalDate)) {
        return w.getLong(1);
      }
    }
    return null;
  }

  private String find(Lakehouse lakehouse) {
    if (!lakehouse.exists(Tables.PIPELINE_RUNS)) {
      return null;
    }
    Column runProject = col("params").getItem("project");
    Column sameRows =
        project == null ? lit(true) : runProject.isNull().or(runProject.equalTo(lit(project)));
    List<Row> newer =
        lakehouse
            .read(Tables.PIPELINE_RUNS)
            .where(
                col("job")
                    .equalTo(lit(job))
                    .and(col("status").equalTo(lit(PipelineRuns.SUCCEEDED)))
                    .and(col("logical_date").gt(lit(Date.valueOf(logicalDate))))
                    .and(sameRows))
            .orderBy(col("logical_date").desc())
            .select("run_id", "logical_date")
            .limit(1)
            .collectAsList();
    return newer.isEmpty()
        ? null
        : "run " + newer.get(0).getString(0) + " for " + newer.get(0).getDate(1);
  }
}
