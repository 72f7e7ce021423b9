package io.annolake.common.io;

import io.annolake.common.provenance.RunContext;
import io.annolake.common.schema.LogSchemas;
import io.annolake.common.schema.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.JavaConverters;

/** The {@code pipeline_runs} table: one STARTED row and one final row per run. */
public final class PipelineRuns {
  public static final String STARTED = "STARTED";
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";

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
    run.appendAudit(
        Tables.PIPELINE_RUNS, run.spark().createDataFrame(List.of(row), LogSchemas.PIPELINE_RUNS));
  }

  private static <K, V> scala.collection.Map<K, V> scalaMap(Map<K, V> map) {
    return JavaConverters.mapAsScalaMap(map);
  }
}
