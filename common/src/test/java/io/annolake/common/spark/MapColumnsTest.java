package io.annolake.common.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class MapColumnsTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void entriesComeInKeyOrderWhateverTheRowOrder() {
    StructType schema =
        new StructType()
            .add("g", DataTypes.StringType)
            .add("k", DataTypes.StringType)
            .add("v", DataTypes.LongType);
    List<Row> rows =
        List.of(
            RowFactory.create("x", "truck", 1L),
            RowFactory.create("x", "car", 2L),
            RowFactory.create("x", "motorcycle", 3L));
    List<Row> reversed = new java.util.ArrayList<>(rows);
    java.util.Collections.reverse(reversed);
    for (List<Row> order : List.of(rows, reversed)) {
      Row r =
          spark
              .createDataFrame(order, schema)
              .repartition(3)
              .groupBy("g")
              .agg(MapColumns.collectMap(col("k"), col("v")).as("m"))
              .select(map_keys(col("m")), to_json(col("m")))
              .head();
      assertThat(r.getList(0)).containsExactly("car", "motorcycle", "truck");
      assertThat(r.getString(1)).isEqualTo("{\"car\":2,\"motorcycle\":3,\"truck\":1}");
    }
  }
}
