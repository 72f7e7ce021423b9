package io.annolake.jobs.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.annolake.common.config.ConfigException;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.io.Predicates;
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
            col("project_id"),
            col("step"),
            col("worker_id"),
            col("reinstated_at").cast("timestamp").as("reinstated_at"),
            List.of(raw.columns()).contains("lead_id")
                ? col("lead_id")
                : lit(null).cast("string").as("lead_id"),
            List.of(raw.columns()).contains("note")
                ? col("note")
                : lit(null).cast("string").as("note"));
    long bad =
        rows.where(
                col("project_id")
                    .isNull()
                    .or(col("step").isNull())
                    .or(col("worker_id").isNull())
                    .or(col("reinstated_at").isNull()))
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
        Predicates.sameKeys("project_id", "step", "worker_id", "reinstated_at"),
        m -> m.whenNotMatched().insertAll(),
        count);
    return count;
  }
}
