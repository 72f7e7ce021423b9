package io.annolake.jobs.quality;

import static io.annolake.jobs.CliRun.ok;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Public datasets with their truth file as gold: per-worker accuracy is exactly correct / answered.
 */
class WorkerQualityRealDataTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  @Test
  void accuracyIsThePlainCountOnRealData() {
    Path data = SparkTestSession.sharedData();
    Assumptions.assumeTrue(data != null, "../shared/data is absent");
    String root = dir.resolve("lh").toString();
    List<String> names = List.of("zheng_dog", "snow_temp");
    for (String name : names) {
      ok(
          "ingest",
          "--lakehouse",
          root,
          "--source",
          data.resolve(name + "/answers.csv").toString(),
          "--project",
          name,
          "--logical-date",
          "2026-01-05");
      ok(
          "ingest",
          "--lakehouse",
          root,
          "--source",
          data.resolve(name + "/truth.csv").toString(),
          "--project",
          name,
          "--kind",
          "gold",
          "--logical-date",
          "2026-01-05");
    }
    ok("worker-quality", "--lakehouse", root, "--logical-date", "2026-01-05");
    Dataset<Row> quality = new Lakehouse(spark, root, "annolake").read(Tables.WORKER_QUALITY);
    for (String name : names) {
      Dataset<Row> answers =
          spark.read().option("header", true).csv(data.resolve(name + "/answers.csv").toString());
      Dataset<Row> truth =
          spark
              .read()
              .option("header", true)
              .csv(data.resolve(name + "/truth.csv").toString())
              .withColumnRenamed("label", "truth");
      Map<String, long[]> plain = new HashMap<>();
      answers
          .join(truth, "item")
          .groupBy("worker")
          .agg(
              count(lit(1)).as("n"),
              sum(when(col("label").equalTo(col("truth")), 1L).otherwise(0L)).as("ok"))
          .collectAsList()
          .forEach(r -> plain.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)}));
      List<Row> rows =
          quality
              .where(col("project_id").equalTo(name).and(col("gold_answers").gt(0)))
              .select("worker_id", "gold_answers", "gold_correct", "accuracy")
              .collectAsList();
      assertThat(rows).hasSize(plain.size());
      for (Row r : rows) {
        long[] c = plain.get(r.getString(0));
        assertThat(c).as(r.getString(0)).isNotNull();
        assertThat(r.getLong(1)).isEqualTo(c[0]);
        assertThat(r.getLong(2)).isEqualTo(c[1]);
        assertThat(r.getDouble(3)).isEqualTo((double) c[1] / c[0]);
      }
      Map<String, Long> statuses = new java.util.TreeMap<>();
      quality
          .where(col("project_id").equalTo(name))
          .groupBy("status")
          .count()
          .collectAsList()
          .forEach(s -> statuses.put(s.getString(0), s.getLong(1)));
      System.out.printf(
          "[real-data] %s: %d workers with gold answers, accuracy equals correct/answered for all; statuses %s%n",
          name, rows.size(), statuses);
    }
  }
}
