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
    return map_from_entries(
        array_sort(
            collect_list(struct(key.as("k"), value.as("v"))),
            (a, b) ->
                when(a.getField("k").lt(b.getField("k")), lit(-1))
                    .when(a.getField("k").gt(b.getField("k")), lit(1))
                    .otherwise(lit(0))));
  }
}
