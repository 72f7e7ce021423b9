package io.annolake.common.schema;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.types.StructType;

/**
 * Schemas of anomaly_flags' detector rows and of worker_daily_metrics (run_id and as_of_date are
 * added by the writer).
 */
public final class AnomalySchemas {
  private AnomalySchemas() {}

  /** A flag as the detectors produce it, before the window and key columns. */
  public static final StructType FLAG =
      new StructType()
          .add("entity_type", StringType, false)
          .add("entity_id", StringType, false)
          .add("project_id", StringType, true)
          .add("step", StringType, true)
          .add("code", StringType, false)
          .add("severity", StringType, false)
          .add("score", DoubleType, true)
          .add("evidence", StringType, true);

  /** The worker_daily_metrics columns, in order. */
  public static final StructType DAILY =
      new StructType()
          .add("project_id", StringType)
          .add("step", StringType)
          .add("worker_id", StringType)
          .add("day", DateType)
          .add("annotations", LongType)
          .add("median_duration_ms", DoubleType)
          .add("label_entropy_bits", DoubleType)
          .add("gold_answers", LongType)
          .add("gold_correct", LongType)
          .add("gold_accuracy", DoubleType)
          .add("consensus_answers", LongType)
          .add("consensus_agreed", LongType)
          .add("consensus_agreement", DoubleType)
          .add("peer_comparisons", LongType)
          .add("peer_agreed", LongType)
          .add("peer_agreement", DoubleType);
}
