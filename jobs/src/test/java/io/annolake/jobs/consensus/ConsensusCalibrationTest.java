package io.annolake.jobs.consensus;

import static io.annolake.jobs.CliRun.ok;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.aggregation.Aggregators;
import io.annolake.common.aggregation.Calibration;
import io.annolake.common.consensus.ConsensusComputation;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accuracy and calibration of every consensus method against the simulator's hidden truth: a crowd
 * with spammers, constant and adversarial workers (the simulator's default mix), K = 5, 3 answers
 * per item. Scored on the crowd label and crowd confidence of every item that is not gold (gold
 * items are clamped, hence trivially right). Prints per method the calibration table (10 bins) and
 * its expected calibration error (ECE). The consensus job runs end to end once (ds); the methods
 * are compared on one shared index of the same snapshot, as compare-methods does, but with gold
 * clamped.
 */
class ConsensusCalibrationTest {
  private static final List<String> METHODS = List.of("mv", "wawa", "ds", "ocds", "glad", "mace");
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  /** Crowd label and confidence of each row against the hidden true label. */
  private static Calibration.Table score(Dataset<Row> labels, Dataset<Row> truth) {
    List<Row> rows =
        labels
            .join(truth, new String[] {"project_id", "step", "item_id"})
            .select(col("crowd_confidence"), col("crowd_label").equalTo(col("true_label")))
            .collectAsList();
    double[] confidence = new double[rows.size()];
    boolean[] right = new boolean[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      confidence[i] = rows.get(i).getDouble(0);
      right[i] = rows.get(i).getBoolean(1);
    }
    return Calibration.of(confidence, right, 10);
  }

  @Test
  void accuracyAndCalibrationPerMethod() {
    String landing = dir.resolve("landing").toString();
    ok(
        "generate",
        "--out",
        landing,
        "--format",
        "parquet",
        "--annotations",
        "30000",
        "--workers",
        "80",
        "--projects",
        "1",
        "--steps",
        "1",
        "--bad-rate",
        "0",
        "--seed",
        "11");
    String root = dir.resolve("lh").toString();
    CliRun.ingestSimulated(landing, root, "2026-01-31");
    Dataset<Row> truth =
        spark
            .read()
            .parquet(landing + "/_truth/items")
            .select("project_id", "step", "item_id", "true_label");
    Lakehouse lh = new Lakehouse(spark, root, "annolake");

    // End to end once (ds, the default): the table's crowd confidence is what is scored.
    ok("consensus", "--lakehouse", root, "--method", "ds", "--logical-date", "2026-01-31");
    Calibration.Table job =
        score(lh.read(Tables.CONSENSUS_LABELS).where(col("decision").notEqual("GOLD")), truth);

    // Every method on the same indexed snapshot, gold clamped as the job does it (one job run each
    // would cost ~25 s of Delta writes per method).
    Map<String, Calibration.Table> tables = new LinkedHashMap<>();
    Dataset<Row> gold = lh.read(Tables.GOLD_LABELS);
    Dataset<Row> goldItems = gold.select("project_id", "step", "item_id").distinct();
    try (ConsensusComputation base =
        ConsensusComputation.fit(
            spark,
            lh.read(Tables.ANNOTATIONS),
            gold,
            lh.read(Tables.LABEL_SCHEMAS),
            Aggregators.byName(METHODS.get(0)),
            2)) {
      for (String method : METHODS) {
        try (ConsensusComputation fit =
            method.equals(METHODS.get(0)) ? null : base.refit(Aggregators.byName(method))) {
          Dataset<Row> posteriors =
              (fit == null ? base : fit)
                  .posteriors()
                  .join(goldItems, new String[] {"project_id", "step", "item_id"}, "left_anti");
          Calibration.Table t = score(posteriors, truth);
          tables.put(method, t);
          System.out.printf(
              "[calibration] %s: accuracy %.4f, mean confidence %.4f, ECE %.4f%n%s%n",
              method, t.accuracy(), t.meanConfidence(), t.ece(), t.format("[calibration]   "));
        }
      }
    }

    Calibration.Table mv = tables.get("mv");
    Calibration.Table ds = tables.get("ds");
    assertThat(mv.items()).isGreaterThan(5_000);
    tables.values().forEach(t -> assertThat(t.items()).isEqualTo(mv.items()));
    // Spammers present: every model-based method beats the majority vote.
    for (String m : List.of("ds", "ocds", "glad", "mace")) {
      assertThat(tables.get(m).accuracy()).as(m + " vs mv").isGreaterThan(mv.accuracy());
    }
    // The job's table gives the same figures as the shared fit.
    assertThat(job.items()).isEqualTo(ds.items());
    assertThat(job.accuracy()).isEqualTo(ds.accuracy());
    assertThat(job.ece()).isCloseTo(ds.ece(), org.assertj.core.api.Assertions.within(1e-9));
    // Dawid-Skene's confidence is usable as a probability (ECE bound: see README, "Calibration").
    assertThat(ds.ece()).isLessThan(0.05);
    assertThat(ds.ece()).isLessThan(mv.ece());
  }
}
