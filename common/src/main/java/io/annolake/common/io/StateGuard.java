package io.annolake.common.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.annolake.common.provenance.PipelineRuns;
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

  /** @param project the run's project, or null for a run over every project */
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

  private String find(Lakehouse lakehouse) {
    if (!lakehouse.exists(Tables.PIPELINE_RUNS)) {
      return null;
    }
    Column runProject = col("params").getItem("project");
    Column sameRows = project == null ? lit(true) : runProject.isNull().or(runProject.equalTo(lit(project)));
    List<Row> newer =
        lakehouse.read(Tables.PIPELINE_RUNS)
            .where(col("job").equalTo(lit(job))
                .and(col("status").equalTo(lit(PipelineRuns.SUCCEEDED)))
                .and(col("logical_date").gt(lit(Date.valueOf(logicalDate))))
                .and(sameRows))
            .orderBy(col("logical_date").desc())
            .select("run_id", "logical_date")
            .limit(1)
            .collectAsList();
    return newer.isEmpty() ? null : "run " + newer.get(0).getString(0) + " for " + newer.get(0).getDate(1);
  }
}
