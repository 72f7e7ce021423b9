package io.annolake.common.io;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.annolake.common.schema.Columns;
import java.util.Arrays;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * An order-independent digest of a table's content (a sum of row hashes), leaving out the
 * provenance a rerun changes (run id, as-of date): two runs that computed the same rows have the
 * same digest, in one aggregation pass.
 */
public final class Digest {
  private static final Set<String> PROVENANCE = Set.of(Columns.RUN_ID, Columns.AS_OF_DATE);

  /** The digest and the row count. */
  public record Result(long value, long rows) {}

  private Digest() {}

  public static Result of(Dataset<Row> rows) {
    Column[] content =
        Arrays.stream(rows.schema().fields())
            .filter(f -> !PROVENANCE.contains(f.name()))
            .sorted(java.util.Comparator.comparing(StructField::name))
            .map(f -> canonical(rows.col("`" + f.name() + "`"), f.dataType()))
            .toArray(Column[]::new);
    Row r =
        rows.agg(
                coalesce(sum(xxhash64(content)), lit(0L)).as(Columns.VALUE),
                count(lit(1)).as("rows"))
            .head();
    return new Result(r.<Long>getAs(Columns.VALUE), r.<Long>getAs("rows"));
  }

  /**
   * A value Spark can hash, equal for equal content: xxhash64 takes no maps, so a map becomes its
   * entries sorted by key (values made canonical the same way, in structs and arrays too).
   */
  static Column canonical(Column c, DataType type) {
    if (type instanceof MapType m) {
      return array_sort(
          transform(
              map_entries(c),
              e ->
                  struct(
                      e.getField("key").as("key"),
                      canonical(e.getField("value"), m.valueType()).as(Columns.VALUE))));
    }
    if (type instanceof ArrayType a && hasMap(a.elementType())) {
      return transform(c, x -> canonical(x, a.elementType()));
    }
    if (type instanceof StructType st && hasMap(st)) {
      return when(
          c.isNotNull(),
          struct(
              Arrays.stream(st.fields())
                  .map(f -> canonical(c.getField(f.name()), f.dataType()).as(f.name()))
                  .toArray(Column[]::new)));
    }
    return c;
  }

  private static boolean hasMap(DataType type) {
    if (type instanceof MapType) {
      return true;
    }
    if (type instanceof ArrayType a) {
      return hasMap(a.elementType());
    }
    if (type instanceof StructType st) {
      return Arrays.stream(st.fields()).anyMatch(f -> hasMap(f.dataType()));
    }
    return false;
  }
}
