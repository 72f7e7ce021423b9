package io.annolake.common.ingest;

import static org.apache.spark.sql.functions.col;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.RecordKind;
import io.annolake.common.schema.rows.IngestedFileRow;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The ingested_files rows of one kind, by file key: files done (ingested or rejected; a log written
 * before files had a status lists ingested files only, with a null status) and files of a batch an
 * earlier attempt started and did not finish (PENDING rows without a final row, which carry the
 * versions the batch's classification is bound to).
 */
record FileLog(Map<String, IngestedFileRow> done, Map<String, IngestedFileRow> pending) {
  static FileLog read(Dataset<Row> table, RecordKind kind) {
    Map<String, IngestedFileRow> done = new HashMap<>();
    Map<String, IngestedFileRow> pending = new HashMap<>();
    if (table == null) {
      return new FileLog(done, pending);
    }
    // one small row per file: the file log is collected, never the records
    for (IngestedFileRow f :
        IngestedFileRow.READER.collect(
            table.where(col(Columns.RECORD_KIND).equalTo(kind.cliName())))) {
      (Ingestion.STATUS_PENDING.equals(f.status()) ? pending : done).put(f.fileKey(), f);
    }
    pending.keySet().removeAll(done.keySet());
    return new FileLog(done, pending);
  }
}
