package io.annolake.common.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.annolake.common.aggregation.AggregationModel;
import io.annolake.common.aggregation.Aggregators;
import io.annolake.common.aggregation.Answers;
import io.annolake.common.aggregation.spark.InternalRows;
import io.annolake.common.aggregation.spark.SparkAggregation;
import io.annolake.common.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The distributed fit gives what the local fit gives, and the same again when re-run. */
class SparkAggregationTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void candidatesAreMostProbableFirstWithTiesInLabelOrder() {
    ArrayData c =
        SparkAggregation.candidates(
            new double[] {0.2, 0.4, 0.4, 0.0},
            InternalRows.utf8(new String[] {"a", "b", "c", "d"}));
    List<String> order = new java.util.ArrayList<>();
    for (int k = 0; k < c.numElements(); k++) {
      order.add(
          c.getStruct(k, 2).getUTF8String(0).toString() + "=" + c.getStruct(k, 2).getDouble(1));
    }
    assertThat(order).containsExactly("b=0.4", "c=0.4", "a=0.2", "d=0.0");
  }

  private Dataset<Row> dogAnswers() {
    Path data = SparkTestSession.sharedData();
    Assumptions.assumeTrue(
        data != null && Files.isRegularFile(data.resolve("zheng_dog/answers.csv")),
        "shared data absent");
    return spark
        .read()
        .option("header", true)
        .csv(data.resolve("zheng_dog/answers.csv").toString())
        .selectExpr(
            "'p' as project_id",
            "'default' as step",
            "item as item_id",
            "worker as worker_id",
            "label");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ds", "ocds", "mace", "glad", "wawa", "mv", "bds"})
  void distributedFitMatchesTheLocalFit(String method) {
    Dataset<Row> answers = dogAnswers();
    Answers.Builder b = Answers.builder();
    for (Row r : answers.collectAsList()) {
      b.add(r.getString(2), r.getString(3), r.getString(4));
    }
    AggregationModel local = Aggregators.byName(method).fit(b.build());

    try (ConsensusComputation fit =
        ConsensusComputation.fit(spark, answers, null, null, Aggregators.byName(method), 3)) {
      List<Row> rows = fit.posteriors().collectAsList();
      assertThat(rows).hasSize(local.answers().itemCount());
      Map<String, Row> byItem = new HashMap<>();
      rows.forEach(r -> byItem.put(r.getString(2), r));
      for (int i = 0; i < local.answers().itemCount(); i++) {
        Row r = byItem.get(local.answers().items().get(i));
        assertThat(r.getString(3)).isEqualTo(local.answers().labels().get(local.labelIndex(i)));
        assertThat(r.getDouble(4)).isCloseTo(local.proba(i, local.labelIndex(i)), within(1e-9));
      }
      assertThat(fit.fits().get(0).iterations()).isEqualTo(local.lossHistory().size());

      List<Row> again;
      try (ConsensusComputation second =
          ConsensusComputation.fit(spark, answers, null, null, Aggregators.byName(method), 3)) {
        again = second.posteriors().collectAsList();
      }
      Map<String, Double> first = new HashMap<>();
      rows.forEach(r -> first.put(r.getString(2), r.getDouble(4)));
      again.forEach(r -> assertThat(r.getDouble(4)).isEqualTo(first.get(r.getString(2))));
    }
  }
}
