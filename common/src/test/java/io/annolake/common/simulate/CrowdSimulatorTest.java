package io.annolake.common.simulate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.DataFrameAssertions;
import io.annolake.common.testing.SparkTestSession;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class CrowdSimulatorTest {
  private final SparkSession spark = SparkTestSession.get();
  private final SimulatorSettings settings = SimulatorSettings.defaults(12_000, 7);

  private Dataset<Row> generate(SimulatorSettings s, int partitions) {
    WorkerPool pool = WorkerPool.create(s.effectiveWorkers(), s.classes(), s.seed());
    return CrowdSimulator.annotations(spark, s, pool, true, partitions);
  }

  @Test
  void sameSeedGivesTheSameRecordsWhateverThePartitioning() {
    DataFrameAssertions.assertSameRows(generate(settings, 2), generate(settings, 3));
  }

  @Test
  void anotherSeedGivesOtherRecords() {
    Dataset<Row> a = generate(settings, 2);
    Dataset<Row> b = generate(SimulatorSettings.defaults(12_000, 8), 2);
    assertThat(a.select("label").except(b.select("label")).count() + a.except(b).count())
        .isPositive();
  }

  @Test
  void shapeIsRealistic() {
    Dataset<Row> records = generate(settings, 2).cache();
    long n = records.count();
    assertThat(n).isBetween(11_000L, 13_000L);
    Row r =
        records
            .agg(countDistinct("project_id"), countDistinct("step"), countDistinct("worker_id"))
            .head();
    assertThat(r.getLong(0)).isEqualTo(2);
    assertThat(r.getLong(1)).isEqualTo(2);
    assertThat(r.getLong(2)).isGreaterThan(40);
    // about 3 answers per (item, step)
    double perItem =
        (double) n / records.select("project_id", "item_id", "step").distinct().count();
    assertThat(perItem).isBetween(2.9, 3.4);
    // bad records of every kind, about 1%
    Set<String> kinds =
        records
            .where(col("bad_kind").isNotNull())
            .select("bad_kind")
            .distinct()
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList()
            .stream()
            .collect(Collectors.toSet());
    assertThat(kinds)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(CrowdSimulator.BAD_KINDS).map(Enum::name).toList());
    long bad = records.where(col("bad_kind").isNotNull()).count();
    assertThat((double) bad / n).isBetween(0.005, 0.02);
    // labels come from the step vocabulary (except the ones spoiled on purpose)
    List<String> labels = CrowdSimulator.labels(0, 5);
    assertThat(
            records
                .where(col("step").equalTo("category").and(col("bad_kind").isNull()))
                .where(col("label").isin(labels.toArray()).unary_$bang())
                .count())
        .isZero();
    // skewed priors: the first class is the most common truth
    List<Row> byTruth =
        records
            .where(col("step").equalTo("category"))
            .groupBy("true_label")
            .count()
            .orderBy(col("count").desc())
            .collectAsList();
    assertThat(byTruth.get(0).getString(0)).isEqualTo("car");
    records.unpersist();
  }

  @Test
  void goldShareIsAboutFivePercent() {
    Dataset<Row> items = CrowdSimulator.items(spark, settings, 2);
    double share = (double) items.where(col("is_gold")).count() / items.count();
    assertThat(share).isBetween(0.035, 0.065);
  }

  @Test
  void crowdHoldsEveryArchetypeWithTheirAccuracy() {
    WorkerPool pool = WorkerPool.create(200, 5, 1);
    Set<WorkerArchetype> seen =
        java.util.stream.IntStream.range(0, pool.size())
            .mapToObj(pool::archetype)
            .collect(Collectors.toSet());
    assertThat(seen).containsExactlyInAnyOrder(WorkerArchetype.values());
    for (int w = 0; w < pool.size(); w++) {
      switch (pool.archetype(w)) {
        case EXPERT -> assertThat(pool.accuracy(w)).isGreaterThan(0.96);
        case SPAMMER, TOO_FAST ->
            assertThat(pool.accuracy(w)).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        case ADVERSARIAL -> assertThat(pool.accuracy(w)).isLessThan(0.1);
        default -> {}
      }
    }
  }

  @Test
  void confusionRowsAreDistributions() {
    for (WorkerArchetype kind : WorkerArchetype.values()) {
      double[] m = WorkerPool.confusion(kind, 4, new java.util.SplittableRandom(3), 2);
      for (int t = 0; t < 4; t++) {
        double sum = 0;
        for (int a = 0; a < 4; a++) {
          assertThat(m[t * 4 + a]).isBetween(0.0, 1.0);
          sum += m[t * 4 + a];
        }
        assertThat(sum)
            .as(kind + " row " + t)
            .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
      }
    }
  }
}
