package io.annolake.common.schema.rows;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;

/** Null-safe conversions of a collected row's values to the Java types the records hold. */
final class Rows {
  private Rows() {}

  static LocalDate date(Date d) {
    return d == null ? null : d.toLocalDate();
  }

  static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  /** An array column as a list, empty when null. */
  static <T> List<T> list(Row r, String column) {
    List<T> list = listOrNull(r, column);
    return list == null ? List.of() : list;
  }

  /** An array column as a list, or null. */
  static <T> List<T> listOrNull(Row r, String column) {
    int i = r.fieldIndex(column);
    return r.isNullAt(i) ? null : r.getList(i);
  }
}
