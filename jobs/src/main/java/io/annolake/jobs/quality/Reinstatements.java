package io.annolake.jobs.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.annolake.common.config.ConfigException;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.Predicates;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Lands a quality lead's reinstatement CSV into {@code worker_reinstatements}: insert-only on
 * (project, step, worker, instant), so landing the same file again adds nothing.
 */
final class Reinstatements {
  private static final List<String> REQUIRED =
      List.of("project_id", "step", "worker_id", "reinstated_at");

  private Reinstatements() {}

  static long land(LakehouseRun run, String file) {
    Dataset<Row> raw = run.spark().read().option("header", true).csv(file);
    for (String c : REQUIRED) {
      if (!List.of(raw.columns()).contains(c)) {
        throw new ConfigException(
            "Invalid value '"
                + file
                + "' for option '--reinstate-file': missing column "
                + c
                + " (needs "
                + REQUIRED
                + ")");
      }
    }
    Dataset<Row> rows =
        raw.select(
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.WORKER_ID),
            col(Columns.REINSTATED_AT).cast("timestamp").as(Columns.REINSTATED_AT),
            List.of(raw.columns()).contains("lead_id")
                ? col(Columns.LEAD_ID)
                : lit(null).cast("string").as(Columns.LEAD_ID),
            List.of(raw.columns()).contains("note")
                ? col(Columns.NOTE)
                : lit(null).cast("string").as(Columns.NOTE));
    long bad =
        rows.where(
                col(Columns.PROJECT_ID)
                    .isNull()
                    .or(col(Columns.STEP).isNull())
                    .or(col(Columns.WORKER_ID).isNull())
                    .or(col(Columns.REINSTATED_AT).isNull()))
            .count();
    if (bad > 0) {
      throw new ConfigException(
          "Invalid value '"
              + file
              + "' for option '--reinstate-file': "
              + bad
              + " rows lack a required field or a valid reinstated_at");
    }
    long count = rows.count();
    run.merge(
        Tables.WORKER_REINSTATEMENTS,
        rows,
        Predicates.sameKeys(
            Columns.PROJECT_ID, Columns.STEP, Columns.WORKER_ID, Columns.REINSTATED_AT),
        m -> m.whenNotMatched().insertAll(),
        count);
    return count;
  }
}
