package io.annolake.common.schema;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

/**
 * Schemas of the logs the jobs keep beside their outputs (the rows are built by the job, so the
 * contract lives here, not in the job): the ingest file log, the training-snapshot registry and the
 * erasure log. run_id (and the file log's batch_id) are added by the writer.
 */
public final class LogSchemas {
  private LogSchemas() {}

  /** {@link Tables#INGESTED_FILES}: per landing file and batch, PENDING then its outcome. */
  public static final StructType INGESTED_FILES =
      new StructType()
          .add("file_key", DataTypes.StringType, false)
          .add("file_path", DataTypes.StringType, false)
          .add("file_size", DataTypes.LongType, false)
          .add("modified_at", DataTypes.TimestampType, false)
          .add("fingerprint", DataTypes.StringType, true)
          .add("record_kind", DataTypes.StringType, false)
          .add("format", DataTypes.StringType, false)
          .add(Columns.PROJECT_ID, DataTypes.StringType, true)
          .add("status", DataTypes.StringType, false)
          .add(Columns.REASON_CODE, DataTypes.StringType, true)
          .add(Columns.DETAIL, DataTypes.StringType, true)
          .add("records_read", DataTypes.LongType, false)
          .add("records_ingested", DataTypes.LongType, false)
          .add("records_rejected", DataTypes.LongType, false)
          .add("silver_version", DataTypes.LongType, false)
          .add("schemas_version", DataTypes.LongType, false)
          .add("logical_date", DataTypes.DateType, false)
          .add(Columns.INGESTED_AT, DataTypes.TimestampType, false);

  /** {@link Tables#TRAINING_SNAPSHOTS}: one row per snapshot written. */
  public static final StructType TRAINING_SNAPSHOTS =
      new StructType()
          .add("snapshot_id", DataTypes.StringType, false)
          .add(Columns.PROJECT_ID, DataTypes.StringType, false)
          .add("content_hash", DataTypes.StringType, false)
          .add("row_count", DataTypes.LongType, false)
          .add("source_version", DataTypes.LongType, false)
          .add("path", DataTypes.StringType, false)
          .add("format", DataTypes.StringType, false)
          .add("manifest", DataTypes.StringType, false)
          .add("created_at", DataTypes.TimestampType, false);

  /** {@link Tables#ERASURES}: one row per erasure, with what it changed per table. */
  public static final StructType ERASURES =
      new StructType()
          .add("erasure_id", DataTypes.StringType, false)
          .add("erased_at", DataTypes.TimestampType, false)
          .add("worker_pseudonym", DataTypes.StringType, true)
          .add("answers", DataTypes.StringType, false)
          .add("rows_changed", new MapType(DataTypes.StringType, DataTypes.LongType, false), false)
          .add("history_from", new MapType(DataTypes.StringType, DataTypes.LongType, false), false);
}
