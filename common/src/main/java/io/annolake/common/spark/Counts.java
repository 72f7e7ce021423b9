package io.annolake.common.spark;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Small counts brought to the driver for a job's summary line. */
public final class Counts {
  /** The key a null value is counted under. */
  public static final String NONE = "none";

  private Counts() {}

  /** Rows per value of a string column, sorted by value; a null value counts as {@link #NONE}. */
  public static Map<String, Long> byValue(Dataset<Row> rows, String column) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : rows.groupBy(column).count().collectAsList()) {
      String value = r.getAs(column);
      out.merge(value == null ? NONE : value, r.<Long>getAs("count"), Long::sum);
    }
    return out;
  }

  /** The sum of a map's counts. */
  public static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
