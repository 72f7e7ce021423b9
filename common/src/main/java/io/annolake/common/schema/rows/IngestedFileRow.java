package io.annolake.common.schema.rows;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * An ingested_files row as ingest reads its file log: a landing file's outcome in one batch, or the
 * PENDING row a batch writes before its data (with the versions its classification is bound to).
 * Tables written before the outcome columns existed read them as null.
 */
public record IngestedFileRow(
    String fileKey,
    String status,
    String reasonCode,
    String detail,
    String batchId,
    Long silverVersion,
    Long schemasVersion,
    LocalDate logicalDate,
    Instant ingestedAt) {

  public static final TableReader<IngestedFileRow> READER =
      new TableReader<>(
          Tables.INGESTED_FILES,
          List.of(
              Columns.FILE_KEY,
              Columns.STATUS,
              Columns.REASON_CODE,
              Columns.DETAIL,
              Columns.BATCH_ID,
              Columns.SILVER_VERSION,
              Columns.SCHEMAS_VERSION,
              Columns.LOGICAL_DATE,
              Columns.INGESTED_AT),
          r ->
              new IngestedFileRow(
                  r.getAs(Columns.FILE_KEY),
                  r.getAs(Columns.STATUS),
                  r.getAs(Columns.REASON_CODE),
                  r.getAs(Columns.DETAIL),
                  r.getAs(Columns.BATCH_ID),
                  r.getAs(Columns.SILVER_VERSION),
                  r.getAs(Columns.SCHEMAS_VERSION),
                  Rows.date(r.<Date>getAs(Columns.LOGICAL_DATE)),
                  Rows.instant(r.<Timestamp>getAs(Columns.INGESTED_AT))));
}
