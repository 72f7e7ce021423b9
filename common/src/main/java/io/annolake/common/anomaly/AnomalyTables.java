package io.annolake.common.anomaly;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;

import io.annolake.common.schema.AnomalySchemas;
import io.annolake.common.schema.Columns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code anomaly_flags} rows: the detectors' flags as rows, then with their stable id and
 * window (the schemas are in {@link AnomalySchemas}).
 */
public final class AnomalyTables {

  private AnomalyTables() {}

  /** Pure flags as rows of {@link AnomalySchemas#FLAG}. */
  public static Dataset<Row> rows(SparkSession spark, List<Flag> flags) {
    List<Row> rows = new ArrayList<>(flags.size());
    for (Flag f : flags) {
      rows.add(
          RowFactory.create(
              f.entityType().value(),
              f.entityId(),
              f.projectId(),
              f.step(),
              f.code().name(),
              f.severity().name(),
              Double.isFinite(f.score()) ? f.score() : null,
              f.evidenceJson()));
    }
    return spark.createDataFrame(rows, AnomalySchemas.FLAG);
  }

  /**
   * The anomaly_flags rows: {@code flag_id} (a hash of entity, project, step, code and window:
   * stable across reruns of the window), the flag, the window (first and last day, UTC) and the
   * logical date. The writer adds run_id.
   */
  public static Dataset<Row> withWindow(
      Dataset<Row> flags, LocalDate first, LocalDate last, LocalDate logicalDate) {
    Column key =
        concat_ws(
            "\u001f",
            col(Columns.ENTITY_TYPE),
            col(Columns.ENTITY_ID),
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.CODE),
            lit(first.toString()),
            lit(last.toString()));
    return flags.select(
        sha2(key, 256).substr(1, 32).as(Columns.FLAG_ID),
        col(Columns.ENTITY_TYPE),
        col(Columns.ENTITY_ID),
        col(Columns.PROJECT_ID),
        col(Columns.STEP),
        col(Columns.CODE),
        col(Columns.SEVERITY),
        col(Columns.SCORE),
        col(Columns.EVIDENCE),
        lit(Date.valueOf(first)).as(Columns.WINDOW_START),
        lit(Date.valueOf(last)).as(Columns.WINDOW_END),
        lit(Date.valueOf(logicalDate)).as(Columns.LOGICAL_DATE));
  }
}
