package io.annolake.jobs.demo;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.ContractCheck;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// A long run of a whole command over every job (about 100 s): with the trials, out of the everyday
// suite; .ci/run runs it.
@Tag("trial")
class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void demoIngestsEverythingAndSaysWhereTheTablesAre() throws Exception {
    String root = dir.resolve("lh").toString();
    CliRun run =
        CliRun.of(
            "demo",
            "--annotations",
            "2000",
            "--lakehouse",
            root,
            "--landing",
            dir.resolve("landing").toString());
    assertThat(run.code()).as(run.err()).isZero();
    // a short account: one line per job, then where the tables and the report are
    assertThat(run.out())
        .contains(
            "generate",
            "ingest",
            "worker-quality",
            "agreement",
            "consensus",
            "anomalies",
            "operations",
            "Tables are under",
            "Open the report: ");
    assertThat(run.out().lines().count()).isLessThanOrEqualTo(16);
    String index =
        run.out()
            .substring(run.out().indexOf("Open the report: ") + "Open the report: ".length())
            .trim();
    assertThat(Path.of(index)).exists().hasFileName("index.html");
    // the report is a boundary: with a pseudonym key in the environment (the tests' one) no raw
    // worker id shows
    StringBuilder pages = new StringBuilder();
    try (Stream<Path> files = Files.walk(Path.of(index).getParent())) {
      for (Path page : files.filter(p -> p.toString().endsWith(".html")).toList()) {
        pages.append(Files.readString(page));
      }
    }
    assertThat(pages.toString()).contains("wp_").doesNotContainPattern("\\bw\\d{5}\\b");
    Lakehouse lh = new Lakehouse(SparkTestSession.get(), root, "annolake");
    for (String table : Tables.ALL) {
      // worker_reinstatements: only with --reinstate-file; training_snapshots: only `annolake
      // snapshot`
      if (!table.equals(Tables.WORKER_REINSTATEMENTS) && !table.equals(Tables.TRAINING_SNAPSHOTS)) {
        assertThat(lh.exists(table)).as(table).isTrue();
      }
    }
    assertThat(ContractCheck.differences(lh)).isEmpty();
    // 6 ingests (guidelines and annotators' questions too; the verification and multi-label
    // steps' files inside the schemas and annotations folders), worker-quality, agreement,
    // consensus, compose, anomalies, routing, edge-cases, operations, report
    assertThat(lh.read(Tables.PIPELINE_RUNS).where("status = 'SUCCEEDED'").count()).isEqualTo(15);
    assertThat(lh.read(Tables.WORKER_ROUTING).where("rank = 1").count())
        .as("a first worker per class")
        .isPositive();
    // the second project's label schemas choose the three-way rule
    assertThat(lh.read(Tables.CONSENSUS_LABELS).where("decision = 'MAJORITY'").count())
        .isPositive();
    assertThat(
            lh.read(Tables.CONSENSUS_LABELS)
                .where("decision_policy = 'votes' AND decision = 'ACCEPTED'")
                .count())
        .isZero();
    // the simulator's mid-way guideline change leaves items waiting for relabeling
    assertThat(lh.read(Tables.GUIDELINES).count()).isEqualTo(8);
    // the simulated questions: some left open, some answered by an expert (and folded into v2)
    assertThat(run.out()).contains("edge-cases");
    assertThat(lh.read(Tables.ANNOTATOR_QUESTIONS).count()).isPositive();
    assertThat(
            lh.read(Tables.EDGE_CASES)
                .select("status")
                .distinct()
                .as(Encoders.STRING())
                .collectAsList())
        .contains("OPEN", "RESOLVED", "FOLDED");
    assertThat(lh.read(Tables.RELABEL_QUEUE).where("reason = 'SUPERSEDED_ANSWERS'").count())
        .isEqualTo(lh.read(Tables.CONSENSUS_LABELS).where("decision = 'PENDING_RELABEL'").count())
        .isPositive();
    assertThat(run.out()).contains("compose", "rejected by verification");
    verificationAgainstHiddenTruth(lh);
    assertThat(run.out()).contains("multi-label", "decided label by label");
    multiLabelAgainstHiddenTruth(lh);
  }

  /**
   * The multi-label step (tags) decided per label by the configured method (Dawid-Skene) under the
   * votes policy, against the simulator's true sets: per-label and exact-set accuracy, and every
   * item whose answers all give one set gets that set.
   */
  private void multiLabelAgainstHiddenTruth(Lakehouse lh) {
    SparkSession spark = SparkTestSession.get();
    Map<String, String> truth = new TreeMap<>();
    spark
        .read()
        .parquet(dir.resolve("landing/_truth/tags").toString())
        .select("item_id", "true_label")
        .collectAsList()
        .forEach(r -> truth.put(r.getString(0), r.getString(1)));
    Map<String, String> decided = new TreeMap<>();
    lh.read(Tables.CONSENSUS_LABELS)
        .where("step = 'tags'")
        .select("item_id", "label")
        .collectAsList()
        .forEach(r -> decided.put(r.getString(0), r.getString(1)));
    assertThat(decided).as("a consensus row per item of the step").containsOnlyKeys(truth.keySet());
    long labelsRight = 0;
    long setsRight = 0;
    for (Map.Entry<String, String> t : truth.entrySet()) {
      String set = decided.get(t.getKey());
      setsRight += t.getValue().equals(set) ? 1 : 0;
      for (String l : List.of("damaged", "glare", "night", "rain")) {
        String quoted = "\"" + l + "\"";
        labelsRight += t.getValue().contains(quoted) == set.contains(quoted) ? 1 : 0;
      }
    }
    // agreement per label too: a slice per label task, none for the set as one category
    assertThat(lh.read(Tables.AGREEMENT_SUMMARY).where("step = 'tags'").count()).isZero();
    assertThat(
            lh.read(Tables.AGREEMENT_SUMMARY)
                .where("step LIKE 'tags[%'")
                .select("step")
                .distinct()
                .count())
        .isEqualTo(4);
    // label_presence holds the same decisions, one row per item and label
    assertThat(lh.read(Tables.LABEL_PRESENCE).where("step = 'tags'").count())
        .isEqualTo(4L * truth.size());
    Map<String, List<String>> sets = new TreeMap<>();
    lh.read(Tables.ANNOTATIONS)
        .where("step = 'tags'")
        .select("item_id", "label")
        .collectAsList()
        .forEach(
            r ->
                sets.computeIfAbsent(r.getString(0), k -> new java.util.ArrayList<>())
                    .add(r.getString(1)));
    long unanimous = 0;
    for (Map.Entry<String, List<String>> e : sets.entrySet()) {
      if (e.getValue().size() >= 2 && e.getValue().stream().distinct().count() == 1) {
        unanimous++;
        assertThat(decided.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue().get(0));
      }
    }
    double perLabel = (double) labelsRight / (4 * truth.size());
    double exact = (double) setsRight / truth.size();
    System.out.printf(
        "multi-label step vs truth: per-label accuracy %.3f, exact sets %d of %d (%.3f), %d"
            + " unanimous items%n",
        perLabel, setsRight, truth.size(), exact, unanimous);
    assertThat(unanimous).isPositive();
    assertThat(perLabel).isGreaterThan(0.85);
    assertThat(exact).isGreaterThan(0.6);
  }

  /**
   * The first project's three-step pipeline: the items a verification rejected are the ones whose
   * verified label was wrong (by the simulator's truth), and each is back in the verified step's
   * queue.
   */
  private void verificationAgainstHiddenTruth(Lakehouse lh) {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> truth =
        spark
            .read()
            .option("header", true)
            .option("inferSchema", true)
            .csv(dir.resolve("landing/_truth/verification").toString());
    Dataset<Row> composite = lh.read(Tables.COMPOSITE_LABELS);
    Map<String, Long> byStatus = new TreeMap<>();
    composite
        .groupBy("status")
        .count()
        .collectAsList()
        .forEach(r -> byStatus.put(r.getString(0), r.getLong(1)));
    assertThat(byStatus).containsKeys("COMPLETE", "REJECTED");
    Dataset<Row> read =
        composite
            .where(col("verification_outcome").isin("ACCEPTED", "REJECTED"))
            .join(truth, new String[] {"project_id", "item_id"});
    Row r =
        read.agg(
                sum(when(col("should_accept"), 1).otherwise(0)).as("should_accept"),
                sum(when(col("should_accept").and(col("status").equalTo("REJECTED")), 1)
                        .otherwise(0))
                    .as("wrongly_rejected"),
                sum(when(not(col("should_accept")), 1).otherwise(0)).as("should_reject"),
                sum(when(not(col("should_accept")).and(col("status").equalTo("REJECTED")), 1)
                        .otherwise(0))
                    .as("rightly_rejected"))
            .head();
    long shouldAccept = r.getLong(0);
    long wronglyRejected = r.getLong(1);
    long shouldReject = r.getLong(2);
    long rightlyRejected = r.getLong(3);
    System.out.printf(
        "verification vs truth: %d of %d wrong labels rejected, %d of %d right labels rejected%n",
        rightlyRejected, shouldReject, wronglyRejected, shouldAccept);
    assertThat(shouldReject).as("the simulated crowd gets some labels wrong").isPositive();
    // reviewers are right 95% of the time; gold and adjudicated labels are never rejected
    assertThat((double) rightlyRejected / shouldReject).isGreaterThanOrEqualTo(0.8);
    assertThat((double) wronglyRejected / shouldAccept).isLessThanOrEqualTo(0.15);
    assertThat(
            lh.read(Tables.RELABEL_QUEUE)
                .where("reason = 'VERIFICATION_REJECTED'")
                .select("project_id", "item_id")
                .except(composite.where("status = 'REJECTED'").select("project_id", "item_id"))
                .count())
        .isZero();
    assertThat(lh.read(Tables.RELABEL_QUEUE).where("reason = 'VERIFICATION_REJECTED'").count())
        .isPositive();
  }
}
