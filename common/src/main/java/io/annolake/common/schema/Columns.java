package io.annolake.common.schema;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Column names shared by every table, and the schema of the landing DataFrame. */
public final class Columns {
  public static final String RUN_ID = "run_id";

  /** The logical date a current-state table's row was computed for (see Tables.STATE). */
  public static final String AS_OF_DATE = "as_of_date";

  public static final String PROJECT_ID = "project_id";
  public static final String SOURCE_FILE = "source_file";

  /** Byte offset of the line in text files; row index in Parquet and Arrow files. */
  public static final String SOURCE_POSITION = "source_position";

  public static final String SOURCE_FORMAT = "source_format";
  public static final String RAW_RECORD = "raw_record";
  public static final String MALFORMED = "malformed";
  public static final String MALFORMED_DETAIL = "malformed_detail";
  public static final String INGESTED_AT = "ingested_at";
  public static final String REASON_CODE = "reason_code";
  public static final String DETAIL = "detail";

  /** The columns every landing reader adds to a kind's canonical string fields. */
  public static StructType landingSchema(RecordKind kind) {
    List<StructField> fields = new ArrayList<>();
    for (String f : kind.fields()) {
      fields.add(DataTypes.createStructField(f, StringType, true));
    }
    fields.add(DataTypes.createStructField(SOURCE_FILE, StringType, false));
    fields.add(DataTypes.createStructField(SOURCE_POSITION, LongType, false));
    fields.add(DataTypes.createStructField(SOURCE_FORMAT, StringType, false));
    fields.add(DataTypes.createStructField(RAW_RECORD, StringType, true));
    fields.add(DataTypes.createStructField(MALFORMED, BooleanType, false));
    fields.add(DataTypes.createStructField(MALFORMED_DETAIL, StringType, true));
    return DataTypes.createStructType(fields);
  }

  /** The rejected_records table. */
  public static final StructType REJECTED =
      new StructType()
          .add("record_kind", StringType, false)
          .add(SOURCE_FILE, StringType, false)
          .add(SOURCE_POSITION, LongType, false)
          .add(SOURCE_FORMAT, StringType, false)
          .add(RAW_RECORD, StringType, true)
          .add("record_key", StringType, true)
          .add("project_id", StringType, true)
          .add(REASON_CODE, StringType, false)
          .add(DETAIL, StringType, true)
          .add(RUN_ID, StringType, false)
          .add(INGESTED_AT, TimestampType, false);

  private Columns() {}
}
