package io.annolake.common.schema.rows;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
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
    return r.isNullAt(r.fieldIndex(column)) ? List.of() : r.getList(r.fieldIndex(column));
  }

  /** An array column as a list, or null. */
  static <T> List<T> listOrNull(Row r, String column) {
    return r.isNullAt(r.fieldIndex(column)) ? null : r.getList(r.fieldIndex(column));
  }

  /** A map column as a map, empty when null. */
  static <K, V> Map<K, V> map(Row r, String column) {
    return r.isNullAt(r.fieldIndex(column)) ? Map.of() : r.<K, V>getJavaMap(r.fieldIndex(column));
  }
}
