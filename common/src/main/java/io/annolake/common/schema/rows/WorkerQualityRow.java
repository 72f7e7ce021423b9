package io.annolake.common.schema.rows;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import java.util.List;

/**
 * A worker_quality row as the report reads it: a worker's gold accuracy with its Wilson interval
 * and the threshold it is judged against.
 */
public record WorkerQualityRow(
    String step, String workerId, Double ciLow, Double accuracy, Double ciHigh, Double threshold) {

  public static final TableReader<WorkerQualityRow> READER =
      new TableReader<>(
          Tables.WORKER_QUALITY,
          List.of(
              Columns.STEP,
              Columns.WORKER_ID,
              Columns.CI_LOW,
              Columns.ACCURACY,
              Columns.CI_HIGH,
              Columns.THRESHOLD),
          r ->
              new WorkerQualityRow(
                  r.getAs(Columns.STEP),
                  r.getAs(Columns.WORKER_ID),
                  r.getAs(Columns.CI_LOW),
                  r.getAs(Columns.ACCURACY),
                  r.getAs(Columns.CI_HIGH),
                  r.getAs(Columns.THRESHOLD)));
}
