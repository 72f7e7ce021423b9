package io.annolake.common.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.SparkTestSession;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CountsTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void countsPerValueInValueOrderWithNullAsNone() {
    StructType schema =
        new StructType().add("id", DataTypes.IntegerType).add("status", DataTypes.StringType);
    List<Row> rows =
        Arrays.asList(
            RowFactory.create(1, "PAUSED"),
            RowFactory.create(2, "ACTIVE"),
            RowFactory.create(3, null),
            RowFactory.create(4, "ACTIVE"));
    Map<String, Long> counts = Counts.byValue(spark.createDataFrame(rows, schema), "status");

    assertThat(counts)
        .containsExactly(
            Map.entry("ACTIVE", 2L), Map.entry("PAUSED", 1L), Map.entry(Counts.NONE, 1L));
    assertThat(Counts.total(counts)).isEqualTo(4);
  }
}
