package io.annolake.common.spark;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/** Map-valued aggregates whose content does not depend on the order rows arrive in. */
public final class MapColumns {
  private MapColumns() {}

  /**
   * key -> value over a group's rows, entries in key order: collect_list alone keeps the order of
   * the shuffle, so the same rows could be stored, printed and hashed as differently ordered maps
   * from one run to the next (a rerun must equal a clean run).
   */
  public static Column collectMap(Column key, Column value) {
    return sortedMap(collectEntries(key, value));
  }

  /**
   * The entries {@link #collectMap} builds its map from, for an aggregation that keeps few of its
   * groups: {@link #sortedMap} then sorts only the kept groups' entries.
   */
  public static Column collectEntries(Column key, Column value) {
    return collect_list(struct(key.as("k"), value.as("v")));
  }

  /** The map of collected entries ({@link #collectEntries}), in key order. */
  public static Column sortedMap(Column entries) {
    return map_from_entries(
        array_sort(
            entries,
            (a, b) ->
                when(a.getField("k").lt(b.getField("k")), lit(-1))
                    .when(a.getField("k").gt(b.getField("k")), lit(1))
                    .otherwise(lit(0))));
  }
}
