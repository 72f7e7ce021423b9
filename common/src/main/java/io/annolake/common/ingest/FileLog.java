package io.annolake.common.ingest;

import static org.apache.spark.sql.functions.col;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.RecordKind;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The ingested_files rows of one kind: files done (ingested or rejected) and files of a batch an
 * earlier attempt started and did not finish (PENDING rows without a final row).
 */
record FileLog(Map<String, Entry> done, Map<String, Pending> pending) {
  record Entry(String status, String reasonCode, String detail) {}

  /** A file of an unfinished batch, with what its classification is bound to. */
  record Pending(
      String batchId,
      long silverVersion,
      long schemasVersion,
      LocalDate logicalDate,
      Instant startedAt) {}

  static FileLog read(Dataset<Row> table, RecordKind kind) {
    Map<String, Entry> done = new HashMap<>();
    Map<String, Pending> pending = new HashMap<>();
    if (table == null) {
      return new FileLog(done, pending);
    }
    Set<String> columns = Set.of(table.columns());
    boolean current = columns.contains("status");
    Column[] cols =
        current
            ? new Column[] {
              col(Columns.FILE_KEY),
              col(Columns.STATUS),
              col(Columns.REASON_CODE),
              col(Columns.DETAIL),
              col(Columns.BATCH_ID),
              col(Columns.SILVER_VERSION),
              col(Columns.SCHEMAS_VERSION),
              col(Columns.LOGICAL_DATE),
              col(Columns.INGESTED_AT)
            }
            : new Column[] {col(Columns.FILE_KEY)};
    // one small row per file: the file log is collected, never the records
    for (Row r :
        table
            .where(col(Columns.RECORD_KIND).equalTo(kind.cliName()))
            .select(cols)
            .collectAsList()) {
      String key = r.getAs(Columns.FILE_KEY);
      String status = current ? r.getAs(Columns.STATUS) : Ingestion.STATUS_INGESTED;
      if (Ingestion.STATUS_PENDING.equals(status)) {
        pending.put(
            key,
            new Pending(
                r.getAs(Columns.BATCH_ID),
                r.<Long>getAs(Columns.SILVER_VERSION),
                r.<Long>getAs(Columns.SCHEMAS_VERSION),
                r.<java.sql.Date>getAs(Columns.LOGICAL_DATE).toLocalDate(),
                r.<java.sql.Timestamp>getAs(Columns.INGESTED_AT).toInstant()));
      } else {
        done.put(
            key,
            new Entry(
                status,
                current ? r.getAs(Columns.REASON_CODE) : null,
                current ? r.getAs(Columns.DETAIL) : null));
      }
    }
    pending.keySet().removeAll(done.keySet());
    return new FileLog(done, pending);
  }
}
