package io.annolake.common.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.annolake.common.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * worker_routing on a hand-made step: scores computed by hand, paused and HIGH-flagged workers left
 * out.
 */
class WorkerRoutingTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void ranksActiveWorkersPerClassByGoldShrunkTowardFittedRecall() {
    StructType qualitySchema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("worker_id", DataTypes.StringType)
            .add("status", DataTypes.StringType)
            .add(
                "confusion",
                DataTypes.createMapType(
                    DataTypes.StringType,
                    DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType)));
    var quality =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "p",
                    "s",
                    "w1",
                    "ACTIVE",
                    scalaMap(Map.of("a", Map.of("a", 8L, "b", 2L), "b", Map.of("b", 1L)))),
                RowFactory.create(
                    "p", "s", "w2", "PROBATION", scalaMap(Map.of("a", Map.of("a", 4L)))),
                RowFactory.create(
                    "p", "s", "w3", "PAUSED", scalaMap(Map.of("a", Map.of("a", 10L)))),
                RowFactory.create(
                    "p", "s", "w4", "ACTIVE", scalaMap(Map.of("a", Map.of("a", 9L, "b", 1L))))),
            qualitySchema);
    StructType skillSchema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("worker_id", DataTypes.StringType)
            .add("true_label", DataTypes.StringType)
            .add("given_label", DataTypes.StringType)
            .add("probability", DataTypes.DoubleType);
    List<Row> skillRows = new ArrayList<>();
    for (Object[] s :
        new Object[][] {
          {"w1", "a", 0.7},
          {"w1", "b", 0.9},
          {"w2", "a", 0.95},
          {"w3", "a", 0.99},
          {"w4", "a", 0.99},
          {"w5", "a", 0.9},
          {"w5", "b", 0.6}
        }) {
      skillRows.add(RowFactory.create("p", "s", s[0], s[1], s[1], s[2]));
      skillRows.add(
          RowFactory.create("p", "s", s[0], s[1], s[1].equals("a") ? "b" : "a", 1 - (double) s[2]));
    }
    var skills = spark.createDataFrame(skillRows, skillSchema);
    var flags =
        spark.createDataFrame(
            List.of(
                RowFactory.create("worker", "w4", "p", "s", "TOO_FAST", "HIGH", "{}"),
                RowFactory.create("worker", "w5", "p", "s", "TOO_FAST", "MEDIUM", "{}")),
            new StructType()
                .add("entity_type", DataTypes.StringType)
                .add("entity_id", DataTypes.StringType)
                .add("project_id", DataTypes.StringType)
                .add("step", DataTypes.StringType)
                .add("code", DataTypes.StringType)
                .add("severity", DataTypes.StringType)
                .add("evidence", DataTypes.StringType));

    List<Row> rows =
        WorkerRouting.rank(quality, skills, flags).orderBy("label", "rank").collectAsList();
    List<String> order =
        rows.stream()
            .map(
                r ->
                    r.<String>getAs("label")
                        + r.<Integer>getAs("rank")
                        + r.<String>getAs("worker_id"))
            .toList();
    // a: w2 (4 + 5 x 0.95) / 9 = 0.9722, w5 4.5 / 5 = 0.9, w1 (8 + 3.5) / 15 = 0.7667; b: w1 5.5 /
    // 6, w5 3 / 5
    assertThat(order).containsExactly("a1w2", "a2w5", "a3w1", "b1w1", "b2w5");
    assertThat(rows.get(0).<Double>getAs("score")).isCloseTo(8.75 / 9, within(1e-12));
    assertThat(rows.get(1).<Double>getAs("score")).isCloseTo(0.9, within(1e-12));
    assertThat(rows.get(2).<Double>getAs("score")).isCloseTo(11.5 / 15, within(1e-12));
    assertThat(rows.get(2).<Long>getAs("gold_answers")).isEqualTo(10L);
    assertThat(rows.get(2).<Long>getAs("gold_correct")).isEqualTo(8L);
    assertThat(rows.get(3).<Double>getAs("score")).isCloseTo(5.5 / 6, within(1e-12));
    assertThat(rows.get(4).<Double>getAs("score")).isCloseTo(0.6, within(1e-12));
  }

  private static scala.collection.Map<String, scala.collection.Map<String, Long>> scalaMap(
      Map<String, Map<String, Long>> m) {
    java.util.Map<String, scala.collection.Map<String, Long>> out = new java.util.HashMap<>();
    m.forEach((k, v) -> out.put(k, scala.collection.JavaConverters.mapAsScalaMap(v)));
    return scala.collection.JavaConverters.mapAsScalaMap(out);
  }
}
