package io.annolake.common.schema.rows;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.LogSchemas;
import io.annolake.common.schema.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * A pipeline_runs row as the scheduling guard and the report's provenance read it: one run's start
 * or end, with the table versions it wrote.
 *
 * @param outputs the tables the run wrote (empty on a start row)
 */
public record PipelineRunRow(
    String job,
    String runId,
    LocalDate logicalDate,
    Instant endedAt,
    String codeVersion,
    List<Output> outputs) {

  /**
   * One table a run wrote.
   *
   * @param keptNewerState a backfill's output that kept the newer state (not a write of its date's
   *     state)
   */
  public record Output(String tableName, long versionAfter, boolean keptNewerState) {}

  public static final TableReader<PipelineRunRow> READER =
      new TableReader<>(
          Tables.PIPELINE_RUNS,
          List.of(
              Columns.JOB,
              Columns.RUN_ID,
              Columns.LOGICAL_DATE,
              Columns.ENDED_AT,
              Columns.CODE_VERSION,
              Columns.OUTPUTS),
          r ->
              new PipelineRunRow(
                  r.getAs(Columns.JOB),
                  r.getAs(Columns.RUN_ID),
                  Rows.date(r.<Date>getAs(Columns.LOGICAL_DATE)),
                  Rows.instant(r.<Timestamp>getAs(Columns.ENDED_AT)),
                  r.getAs(Columns.CODE_VERSION),
                  Rows.<Row>list(r, Columns.OUTPUTS).stream()
                      .map(
                          o ->
                              new Output(
                                  o.getAs(LogSchemas.OUTPUT_TABLE_NAME),
                                  o.<Long>getAs(LogSchemas.OUTPUT_VERSION_AFTER),
                                  o.getAs(LogSchemas.OUTPUT_KEPT_NEWER_STATE) != null))
                      .toList()));
}
