package io.annolake.common.quality;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.testing.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Gold share vs the 5% target, judged by the Wilson interval at 95% (z = 1.96), values by hand. */
class GoldShareStatusTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void flagsOnlyWhatTheIntervalProves() {
    StructType schema =
        new StructType().add("gold", DataTypes.LongType).add("annotations", DataTypes.LongType);
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(
                // 0/20: upper bound z^2/(n+z^2) = 3.8416/23.8416 = 0.161 > 0.05: not proven low
                RowFactory.create(0L, 20L),
                // 0/100: upper bound 3.8416/103.8416 = 0.037 < 0.05
                RowFactory.create(0L, 100L),
                // 5/100: the target itself
                RowFactory.create(5L, 100L),
                // 50/500: lower bound 0.0767 > 0.05
                RowFactory.create(50L, 500L)),
            schema);
    QualitySettings settings = QualitySettings.from(AnnolakeConfig.defaults());
    List<String> status =
        rows.select(WorkerQualityTable.goldShareStatus(col("gold"), col("annotations"), settings))
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertThat(status).containsExactly("ON_TARGET", "BELOW_TARGET", "ON_TARGET", "ABOVE_TARGET");
  }
}
