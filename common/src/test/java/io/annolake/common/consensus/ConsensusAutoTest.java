package io.annolake.common.consensus;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.aggregation.Aggregator;
import io.annolake.common.aggregation.Aggregators;
import io.annolake.common.aggregation.Answers;
import io.annolake.common.aggregation.MethodChoice;
import io.annolake.common.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** auto on the Spark path chooses what the local choice chooses, and records it with the task. */
class ConsensusAutoTest {
  private final SparkSession spark = SparkTestSession.get();

  /**
   * One-pass methods keep the test fast (EM methods cost a Spark job per iteration, fold and
   * method).
   */
  private static final List<Aggregator> CANDIDATES =
      List.of(Aggregators.byName("mv"), Aggregators.byName("wawa"));

  private Path dog() {
    Path data = SparkTestSession.sharedData();
    Assumptions.assumeTrue(
        data != null && Files.isRegularFile(data.resolve("zheng_dog/answers.csv")),
        "shared data absent");
    return data.resolve("zheng_dog");
  }

  /** Every tenth item (by a hash of its id) has its truth as gold. */
  private static boolean isGold(String item) {
    return Math.floorMod(item.hashCode() * 31 + 7, 10) == 0;
  }

  private ConsensusComputation.Inputs inputs(Path dir) throws IOException {
    Dataset<Row> answers =
        spark
            .read()
            .option("header", true)
            .csv(dir.resolve("answers.csv").toString())
            .select(
                lit("p").as("project_id"),
                lit("default").as("step"),
                col("item").as("item_id"),
                col("worker").as("worker_id"),
                col("label"),
                concat_ws("/", col("item"), col("worker")).as("annotation_id"),
                lit("v1").as("guideline_version"));
    List<Row> gold = new ArrayList<>();
    for (String line :
        Files.readAllLines(dir.resolve("truth.csv"))
            .subList(1, Files.readAllLines(dir.resolve("truth.csv")).size())) {
      String[] r = line.split(",");
      if (isGold(r[0])) {
        gold.add(RowFactory.create("p", "default", r[0], r[1]));
      }
    }
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("label", DataTypes.StringType);
    return new ConsensusComputation.Inputs(
        answers, spark.createDataFrame(gold, schema), null, null, null);
  }

  private Answers local(Path dir) throws IOException {
    Answers.Builder b = Answers.builder();
    List<String> lines = Files.readAllLines(dir.resolve("answers.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] r = line.split(",");
      b.add(r[0], r[1], r[2]);
    }
    List<String> truth = Files.readAllLines(dir.resolve("truth.csv"));
    for (String line : truth.subList(1, truth.size())) {
      String[] r = line.split(",");
      if (isGold(r[0])) {
        b.gold(r[0], r[1]);
      }
    }
    return b.build();
  }

  @Test
  void sparkChoiceEqualsTheLocalChoiceAndIsRecorded() throws IOException {
    Path dir = dog();
    MethodChoice.Choice expected = MethodChoice.choose(local(dir), CANDIDATES, "ds", 30);
    try (ConsensusComputation fit =
        ConsensusComputation.fitAuto(
            spark, inputs(dir), CANDIDATES, Aggregators.byName("ds"), 30, 3)) {
      assertThat(expected.reason()).isEqualTo("best_gold_brier");
      assertThat(expected.method()).isEqualTo("wawa");
      assertThat(fit.chosen()).hasSize(1);
      ConsensusPolicy.Method m = fit.chosen().get(0);
      assertThat(m.name()).isEqualTo(expected.method());
      assertThat(m.paramsJson())
          .startsWith("{\"auto\":" + expected.json() + ",\"method\":\"" + expected.method() + "\"");
      assertThat(fit.fits().get(0).task().projectId()).isEqualTo("p");
    }
  }

  @Test
  void tooLittleGoldKeepsTheFallback() throws IOException {
    try (ConsensusComputation fit =
        ConsensusComputation.fitAuto(
            spark, inputs(dog()), CANDIDATES, Aggregators.byName("ds"), 1000, 3)) {
      ConsensusPolicy.Method m = fit.chosen().get(0);
      assertThat(m.name()).isEqualTo("ds");
      assertThat(m.paramsJson()).contains("\"reason\":\"too_few_gold\"");
    }
  }
}
