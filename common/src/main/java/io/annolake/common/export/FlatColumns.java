package io.annolake.common.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Rows for formats without nested types (CSV, flat Arrow): exports and training snapshots. */
public final class FlatColumns {
  private FlatColumns() {}

  /** Nested columns (arrays, maps, structs) become JSON text; the others stay as they are. */
  public static Dataset<Row> of(Dataset<Row> df) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      boolean nested =
          f.dataType() instanceof ArrayType
              || f.dataType() instanceof MapType
              || f.dataType() instanceof StructType;
      cols.add(nested ? to_json(col(f.name())).as(f.name()) : col(f.name()));
    }
    return df.select(cols.toArray(Column[]::new));
  }
}
