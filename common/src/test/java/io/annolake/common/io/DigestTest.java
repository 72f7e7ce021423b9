package io.annolake.common.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.SparkTestSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class DigestTest {
  private final SparkSession spark = SparkTestSession.get();

  /** worker_quality's shape: a map and a map of maps (class recall, confusion), built in order. */
  private Dataset<Row> table(String first, String second, long cats) {
    return spark
        .range(2)
        .select(
            col("id").cast("string").as("worker_id"),
            map(lit(first), lit(1.0), lit(second), lit(0.5)).as("class_recall"),
            map(
                    lit(first),
                    map(lit(first), lit(cats), lit(second), lit(1L)),
                    lit(second),
                    map(lit(second), lit(2L)))
                .as("confusion"),
            lit("run-a").as("run_id"));
  }

  @Test
  void mapsAreDigestedByContentNotByEntryOrder() {
    Digest.Result ab = Digest.of(table("cat", "dog", 3));
    Digest.Result ba = Digest.of(table("dog", "cat", 3));
    assertThat(ab.rows()).isEqualTo(2);
    assertThat(ab.value()).isNotZero();
    // the same entries inserted in another order (and another run id) are the same content
    Dataset<Row> reordered =
        spark
            .range(2)
            .select(
                col("id").cast("string").as("worker_id"),
                map(lit("dog"), lit(0.5), lit("cat"), lit(1.0)).as("class_recall"),
                map(
                        lit("dog"),
                        map(lit("dog"), lit(2L)),
                        lit("cat"),
                        map(lit("dog"), lit(1L), lit("cat"), lit(3L)))
                    .as("confusion"),
                lit("run-b").as("run_id"));
    assertThat(Digest.of(reordered)).isEqualTo(ab);
    assertThat(ba.value()).isNotEqualTo(ab.value());
    assertThat(Digest.of(table("cat", "dog", 4)).value()).isNotEqualTo(ab.value());
  }
}
