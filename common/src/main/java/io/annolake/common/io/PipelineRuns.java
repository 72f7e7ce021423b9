package io.annolake.common.io;

import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.annolake.common.provenance.RunContext;
import io.annolake.common.schema.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/** The {@code pipeline_runs} table: one STARTED row and one final row per run. */
public final class PipelineRuns {
  public static final String STARTED = "STARTED";
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";

  private static final StructType OUTPUT =
      new StructType()
          .add("table_name", StringType, false)
          .add("version_before", LongType, false)
          .add("version_after", LongType, false)
          .add("rows", LongType, false)
          // a backfill that kept a newer state: the rows it computed (their digest) and why not
          // written
          .add("digest", LongType, true)
          .add("kept_newer_state", StringType, true);

  public static final StructType SCHEMA =
      new StructType()
          .add("job", StringType, false)
          .add("logical_date", DataTypes.DateType, false)
          .add("status", StringType, false)
          .add("started_at", TimestampType, false)
          .add("ended_at", TimestampType, true)
          .add("duration_ms", LongType, true)
          .add("code_version", StringType, false)
          .add("config_hash", StringType, false)
          .add("params", new MapType(StringType, StringType, true), false)
          .add("inputs", new MapType(StringType, LongType, true), false)
          .add("outputs", new ArrayType(OUTPUT, false), false)
          .add("error", StringType, true);

  private PipelineRuns() {}

  /** Records that the run started. */
  public static void started(LakehouseRun run) {
    write(run, STARTED, null, null);
  }

  /** Records the run's end with its inputs, outputs (versions and rows) and error, if any. */
  public static void finished(LakehouseRun run, String status, String error) {
    write(run, status, Instant.now(), error);
  }

  private static void write(LakehouseRun run, String status, Instant endedAt, String error) {
    RunContext ctx = run.context();
    List<Row> outputs = new ArrayList<>();
    if (SUCCEEDED.equals(status)) {
      for (LakehouseRun.Output o : run.outputs()) {
        outputs.add(
            RowFactory.create(
                o.table(),
                o.versionBefore(),
                o.versionAfter(),
                o.rows(),
                o.digest(),
                o.keptNewerState()));
      }
    }
    Row row =
        RowFactory.create(
            ctx.job(),
            Date.valueOf(ctx.logicalDate()),
            status,
            Timestamp.from(ctx.startedAt()),
            endedAt == null ? null : Timestamp.from(endedAt),
            endedAt == null ? null : endedAt.toEpochMilli() - ctx.startedAt().toEpochMilli(),
            ctx.codeVersion(),
            ctx.configHash(),
            scalaMap(ctx.params()),
            scalaMap(run.inputs()),
            JavaConverters.asScalaBuffer(outputs).toSeq(),
            error);
    run.appendAudit(Tables.PIPELINE_RUNS, run.spark().createDataFrame(List.of(row), SCHEMA));
  }

  private static <K, V> scala.collection.Map<K, V> scalaMap(Map<K, V> map) {
    return JavaConverters.mapAsScalaMap(map);
  }
}
