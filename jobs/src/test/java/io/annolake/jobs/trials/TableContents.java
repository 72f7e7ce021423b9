package io.annolake.jobs.trials;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every table of a lakehouse as sorted row texts, for comparing a trial's lakehouse with a clean
 * one: the columns a rerun rightly changes (when rows were ingested, batch ids) are left out, and
 * doubles are compared to nine significant digits (sums over partitions may differ in the last
 * bit). The file log's silver and schema versions are Delta commit numbers: they count maintain's
 * OPTIMIZE commits, which depend on how many files each write made (the session's partitioning), so
 * two lakehouses with equal rows can differ there.
 */
public final class TableContents {
  private static final Set<String> VOLATILE =
      Set.of(
          "ingested_at", "batch_id", "modified_at", "file_id", "silver_version", "schemas_version");

  private TableContents() {}

  public static Map<String, List<String>> of(Lakehouse lakehouse) {
    return of(lakehouse, Set.of());
  }

  /** As {@link #of(Lakehouse)}, leaving out some more columns (e.g. run_id where runs raced). */
  public static Map<String, List<String>> of(Lakehouse lakehouse, Set<String> without) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String table : Tables.ALL) {
      if (table.equals(Tables.PIPELINE_RUNS) || !lakehouse.exists(table)) {
        continue;
      }
      Dataset<Row> rows = lakehouse.read(table);
      String[] keep =
          Arrays.stream(rows.columns())
              .filter(c -> !VOLATILE.contains(c) && !without.contains(c))
              .toArray(String[]::new);
      List<String> texts = new ArrayList<>();
      for (Row r : rows.select(keep[0], Arrays.copyOfRange(keep, 1, keep.length)).collectAsList()) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < r.size(); i++) {
          Object v = r.get(i);
          s.append(i == 0 ? "" : "|")
              .append(v instanceof Double d ? String.format("%.9g", d) : String.valueOf(v));
        }
        texts.add(s.toString());
      }
      texts.sort(String::compareTo);
      out.put(table, texts);
    }
    return out;
  }
}
