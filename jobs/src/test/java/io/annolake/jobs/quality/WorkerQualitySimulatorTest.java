package io.annolake.jobs.quality;

import static io.annolake.jobs.CliRun.ok;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection on the crowd simulator at the default threshold (0.97), scored against its hidden
 * truth. EXPERT, GOOD and SLOW_ACCURATE workers meet the bar by construction and must never be
 * paused; COMPETENT workers (0.85-0.95) are genuinely below it, so their pause rate is printed, not
 * asserted.
 */
class WorkerQualitySimulatorTest {
  private static final List<String> BAD = List.of("SPAMMER", "ADVERSARIAL", "CONSTANT", "TOO_FAST");
  private static final List<String> GOOD = List.of("EXPERT", "GOOD", "SLOW_ACCURATE");
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  @Test
  void spammersArePausedAndGoodWorkersAreNot() {
    String landing = dir.resolve("landing").toString();
    ok(
        "generate",
        "--out",
        landing,
        "--format",
        "parquet",
        "--annotations",
        "40000",
        "--workers",
        "60",
        "--projects",
        "1",
        "--steps",
        "1",
        "--bad-rate",
        "0",
        "--seed",
        "7");
    String root = dir.resolve("lh").toString();
    CliRun.ingestSimulated(landing, root, "2026-01-31");
    ok("worker-quality", "--lakehouse", root, "--logical-date", "2026-01-31");

    Lakehouse lh = new Lakehouse(spark, root, "annolake");
    Dataset<Row> truth =
        spark
            .read()
            .option("header", true)
            .csv(landing + "/_truth/workers")
            .select("worker_id", "archetype");
    Dataset<Row> quality = lh.read(Tables.WORKER_QUALITY).join(truth, "worker_id");
    Dataset<Row> caught =
        lh.read(Tables.WORKER_STATUS_EVENTS)
            .where(col("to_status").equalTo("PAUSED"))
            .groupBy("project_id", "step", "worker_id")
            .agg(min("evidence_answers").as("caught_at"));
    int minEvidence = AnnolakeConfig.defaults().integer("annolake.quality.min-evidence");

    Dataset<Row> bad =
        quality.where(
            col("archetype").isin(BAD.toArray()).and(col("gold_answers").geq(minEvidence)));
    Dataset<Row> good = quality.where(col("archetype").isin(GOOD.toArray()));
    long badPaused = bad.where(col("status").equalTo("PAUSED")).count();
    long goodPaused = good.where(col("status").equalTo("PAUSED")).count();
    System.out.printf(
        "[simulator] threshold 0.97: bad workers with >= %d gold answers paused %d/%d; expert/good/slow-accurate paused %d/%d%n",
        minEvidence, badPaused, bad.count(), goodPaused, good.count());
    for (Row r :
        bad.join(
                caught,
                scala.collection.JavaConverters.asScalaBuffer(
                        List.of("project_id", "step", "worker_id"))
                    .toSeq(),
                "left")
            .select("worker_id", "archetype", "gold_answers", "gold_correct", "caught_at")
            .orderBy("archetype", "worker_id")
            .collectAsList()) {
      System.out.printf(
          "[simulator]   %s %-11s gold %d (correct %d) caught after %s gold answers%n",
          r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
    }
    Map<String, Long> byArchetype = new java.util.TreeMap<>();
    quality
        .groupBy("archetype", "status")
        .count()
        .collectAsList()
        .forEach(r -> byArchetype.put(r.getString(0) + "/" + r.getString(1), r.getLong(2)));
    System.out.println("[simulator] archetype/status counts: " + byArchetype);

    assertThat(bad.count()).isPositive();
    assertThat(good.count()).isPositive();
    assertThat(badPaused).isEqualTo(bad.count());
    assertThat(goodPaused).isZero();
  }
}
