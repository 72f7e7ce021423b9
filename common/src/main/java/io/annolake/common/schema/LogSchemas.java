package io.annolake.common.schema;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

/**
 * Schemas of the logs the jobs keep beside their outputs (the rows are built by the job, so the
 * contract lives here, not in the job): the run log, the ingest file log, the training-snapshot
 * registry and the erasure log. run_id (and the file log's batch_id) are added by the writer.
 */
public final class LogSchemas {
  private LogSchemas() {}

  /** Fields of pipeline_runs.outputs that code reads by name. */
  public static final String OUTPUT_TABLE_NAME = "table_name";

  public static final String OUTPUT_VERSION_AFTER = "version_after";
  public static final String OUTPUT_KEPT_NEWER_STATE = "kept_newer_state";

  /** One output table of a run (pipeline_runs.outputs). */
  private static final StructType RUN_OUTPUT =
      new StructType()
          .add(OUTPUT_TABLE_NAME, DataTypes.StringType, false)
          .add("version_before", DataTypes.LongType, false)
          .add(OUTPUT_VERSION_AFTER, DataTypes.LongType, false)
          .add("rows", DataTypes.LongType, false)
          // a backfill that kept a newer state: the rows it computed (their digest), why not
          // written
          .add("digest", DataTypes.LongType, true)
          .add(OUTPUT_KEPT_NEWER_STATE, DataTypes.StringType, true);

  /** {@link Tables#PIPELINE_RUNS}: a row when a run starts, another when it ends. */
  public static final StructType PIPELINE_RUNS =
      new StructType()
          .add("job", DataTypes.StringType, false)
          .add("logical_date", DataTypes.DateType, false)
          .add("status", DataTypes.StringType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("ended_at", DataTypes.TimestampType, true)
          .add("duration_ms", DataTypes.LongType, true)
          .add("code_version", DataTypes.StringType, false)
          .add("config_hash", DataTypes.StringType, false)
          .add("params", new MapType(DataTypes.StringType, DataTypes.StringType, true), false)
          .add("inputs", new MapType(DataTypes.StringType, DataTypes.LongType, true), false)
          .add("outputs", DataTypes.createArrayType(RUN_OUTPUT, false), false)
          .add("error", DataTypes.StringType, true);

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
