package io.annolake.jobs.consensus;

import static io.annolake.jobs.CliRun.ok;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** consensus and compare-methods end to end through the CLI on a simulated project. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsensusJobTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir static Path dir;
  private String root;

  @BeforeAll
  void lakehouse() {
    String landing = dir.resolve("landing").toString();
    ok(
        "generate",
        "--out",
        landing,
        "--format",
        "csv",
        "--annotations",
        "3000",
        "--bad-rate",
        "0",
        "--seed",
        "5");
    root = dir.resolve("lh").toString();
    ok("ingest", "--lakehouse", root, "--source", landing + "/schemas", "--kind", "schema");
    ok("ingest", "--lakehouse", root, "--source", landing + "/annotations");
    ok("ingest", "--lakehouse", root, "--source", landing + "/gold", "--kind", "gold");
    ok(
        "ingest",
        "--lakehouse",
        root,
        "--source",
        landing + "/adjudications",
        "--kind",
        "adjudications");
  }

  private Dataset<Row> table(String name) {
    return new Lakehouse(spark, root, "annolake").read(name);
  }

  private List<Row> withoutRunId(String name) {
    return table(name).drop("run_id").orderBy("project_id", "step", "item_id").collectAsList();
  }

  @Test
  void decidesEveryItemAndReRunsIdentically() {
    CliRun run = ok("consensus", "--lakehouse", root, "--method", "ds");
    assertThat(run.out()).contains("consensus ds");
    Dataset<Row> labels = table(Tables.CONSENSUS_LABELS);
    long items =
        table(Tables.ANNOTATIONS).select("project_id", "step", "item_id").distinct().count();
    assertThat(labels.count()).isEqualTo(items);
    Map<String, Long> decisions = new TreeMap<>();
    labels
        .groupBy("decision")
        .count()
        .collectAsList()
        .forEach(r -> decisions.put(r.getString(0), r.getLong(1)));
    assertThat(decisions).containsKeys("GOLD", "ADJUDICATED", "ACCEPTED");
    assertThat(labels.where(col("decision").equalTo("GOLD")).count())
        .isEqualTo(
            table(Tables.GOLD_LABELS)
                .select("project_id", "step", "item_id")
                .distinct()
                .join(labels, new String[] {"project_id", "step", "item_id"})
                .count());
    assertThat(table(Tables.ESCALATIONS).count())
        .isEqualTo(decisions.getOrDefault("ESCALATED", 0L));
    // The decisions and escalations passes skip the E-step where it cannot matter; they must agree
    // with the labels.
    assertThat(run.out()).contains("decisions: " + decisions);
    assertThat(
            table(Tables.ESCALATIONS)
                .select("project_id", "step", "item_id")
                .except(
                    labels
                        .where(col("decision").equalTo("ESCALATED"))
                        .select("project_id", "step", "item_id"))
                .count())
        .isZero();
    Dataset<Row> skills = table(Tables.WORKER_SKILLS);
    assertThat(skills.where(col("probability").isNotNull()).count()).isPositive();
    // Long form of full confusion matrices: K x K rows per worker, each true label's row sums to 1.
    assertThat(
            skills
                .groupBy("project_id", "step", "worker_id", "true_label")
                .sum("probability")
                .where("abs(`sum(probability)` - 1) > 1e-9")
                .count())
        .isZero();
    for (Row task :
        skills
            .groupBy("project_id", "step")
            .agg(org.apache.spark.sql.functions.countDistinct("true_label"))
            .collectAsList()) {
      long k = task.getLong(2);
      assertThat(
              skills
                  .where(
                      col("project_id")
                          .equalTo(task.getString(0))
                          .and(col("step").equalTo(task.getString(1))))
                  .groupBy("worker_id")
                  .count()
                  .where(col("count").notEqual(k * k))
                  .count())
          .isZero();
    }
    assertThat(skills.where("params_hash is null or method != 'ds'").count()).isZero();
    assertThat(labels.select("run_id").distinct().count()).isEqualTo(1);

    List<Row> first = withoutRunId(Tables.CONSENSUS_LABELS);
    ok("consensus", "--lakehouse", root, "--method", "ds");
    assertThat(withoutRunId(Tables.CONSENSUS_LABELS)).isEqualTo(first);

    Path csv = dir.resolve("consensus.csv");
    ok("export", "--lakehouse", root, "--table", Tables.CONSENSUS_LABELS, "--out", csv.toString());
    assertThat(readHeader(csv)).startsWith("project_id,step,item_id,label,confidence,decision");
  }

  @Test
  void oneProjectReplacesOnlyItsRows() {
    ok("consensus", "--lakehouse", root, "--method", "mv");
    List<Row> projects =
        table(Tables.CONSENSUS_LABELS)
            .select("project_id")
            .distinct()
            .orderBy("project_id")
            .collectAsList();
    String project = projects.get(0).getString(0);
    long others = table(Tables.CONSENSUS_LABELS).where(col("project_id").notEqual(project)).count();
    ok("consensus", "--lakehouse", root, "--method", "ocds", "--project", project);
    Dataset<Row> labels = table(Tables.CONSENSUS_LABELS);
    assertThat(
            labels
                .where(col("project_id").equalTo(project))
                .select("method")
                .distinct()
                .collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactly("ocds");
    assertThat(labels.where(col("project_id").notEqual(project)).count()).isEqualTo(others);
  }

  /**
   * A --project run updates only rows whose content changed: on the same inputs none (each row
   * keeps the run that computed it); after one more answer on one item, under majority vote (a
   * per-item method), that item's row alone.
   */
  @Test
  void projectReRunUpdatesOnlyChangedRows(@TempDir Path tmp) throws java.io.IOException {
    StringBuilder answers = new StringBuilder("item,worker,label\n");
    for (int i = 0; i < 6; i++) {
      for (String w : List.of("w1", "w2", "w3")) {
        answers
            .append("it")
            .append(i)
            .append(',')
            .append(w)
            .append(',')
            .append(i % 2 == 0 || w.equals("w3") ? "a" : "b")
            .append('\n');
      }
    }
    String lh = tmp.resolve("lh").toString();
    ok(
        "ingest",
        "--lakehouse",
        lh,
        "--source",
        Files.writeString(tmp.resolve("answers.csv"), answers).toString(),
        "--project",
        "p");
    ok("consensus", "--lakehouse", lh, "--method", "mv", "--project", "p");
    Lakehouse lakehouse = new Lakehouse(spark, lh, "annolake");
    Map<String, String> firstRuns = runIds(lakehouse);
    assertThat(firstRuns).hasSize(6);

    CliRun again = ok("consensus", "--lakehouse", lh, "--method", "mv", "--project", "p");
    assertThat(lastMergeMetrics(lakehouse, Tables.CONSENSUS_LABELS))
        .containsEntry("numTargetRowsUpdated", "0")
        .containsEntry("numTargetRowsInserted", "0")
        .containsEntry("numTargetRowsDeleted", "0");
    assertThat(runIds(lakehouse)).isEqualTo(firstRuns);
    assertThat(again.out()).contains("decisions: {AUTO_APPROVED=3, ESCALATED=3}");

    Path more = Files.writeString(tmp.resolve("more.csv"), "item,worker,label\nit1,w4,b\n");
    ok("ingest", "--lakehouse", lh, "--source", more.toString(), "--project", "p");
    ok("consensus", "--lakehouse", lh, "--method", "mv", "--project", "p");
    assertThat(lastMergeMetrics(lakehouse, Tables.CONSENSUS_LABELS))
        .containsEntry("numTargetRowsUpdated", "1")
        .containsEntry("numTargetRowsInserted", "0")
        .containsEntry("numTargetRowsDeleted", "0");
    Map<String, String> thirdRuns = runIds(lakehouse);
    assertThat(thirdRuns.get("it1")).isNotEqualTo(firstRuns.get("it1"));
    thirdRuns.remove("it1");
    firstRuns.remove("it1");
    assertThat(thirdRuns).isEqualTo(firstRuns);
    Row it1 = lakehouse.read(Tables.CONSENSUS_LABELS).where(col("item_id").equalTo("it1")).first();
    assertThat(it1.<Integer>getAs("n_annotations")).isEqualTo(4);
    assertThat(it1.<String>getAs("label")).isEqualTo("b");
  }

  private static Map<String, String> runIds(Lakehouse lakehouse) {
    Map<String, String> out = new TreeMap<>();
    lakehouse
        .read(Tables.CONSENSUS_LABELS)
        .select("item_id", "run_id")
        .collectAsList()
        .forEach(r -> out.put(r.getString(0), r.getString(1)));
    return out;
  }

  private static Map<String, String> lastMergeMetrics(Lakehouse lakehouse, String table) {
    Lakehouse.Commit last = lakehouse.lastCommit(table);
    assertThat(last.operation()).isEqualTo("MERGE");
    return last.metrics();
  }

  @Test
  void unknownMethodIsAUsageError() {
    CliRun run = CliRun.of("consensus", "--lakehouse", root, "--method", "nope");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--method");
  }

  @Test
  void compareMethodsReportsEveryDistributedMethod() {
    CliRun run = ok("compare-methods", "--lakehouse", root);
    for (String m : List.of("mv", "wmv", "wawa", "ds", "ocds", "glad", "mace")) {
      assertThat(run.out()).contains("  " + m + " ");
    }
    assertThat(run.out())
        .contains("gold accuracy")
        .contains("protocol: " + CompareMethodsJob.PROTOCOL);
  }

  /**
   * Two reliable workers against three who always answer "x" on items whose truth is "y": majority
   * vote gets every gold item wrong; the accuracy-weighted vote, cross-fitted (weights from the
   * other half of the gold), gets every gold item right, so compare-methods no longer reports it
   * equal to majority vote.
   */
  @Test
  void compareMethodsCrossFitsTheAccuracyWeightedVote(@TempDir Path tmp)
      throws java.io.IOException {
    StringBuilder answers = new StringBuilder("item,worker,label\n");
    StringBuilder gold = new StringBuilder("item,label\n");
    for (int i = 0; i < 16; i++) {
      String item = "it" + i;
      for (String w : List.of("g1", "g2")) {
        answers.append(item).append(',').append(w).append(",y\n");
      }
      for (String w : List.of("b1", "b2", "b3")) {
        answers.append(item).append(',').append(w).append(",x\n");
      }
      if (i < 12) {
        gold.append(item).append(",y\n");
      }
    }
    Path a = Files.writeString(tmp.resolve("answers.csv"), answers);
    Path g = Files.writeString(tmp.resolve("gold.csv"), gold);
    String lh = tmp.resolve("lh").toString();
    ok("ingest", "--lakehouse", lh, "--source", a.toString(), "--project", "p");
    ok("ingest", "--lakehouse", lh, "--source", g.toString(), "--project", "p", "--kind", "gold");

    CompareMethodsJob.Result result =
        CompareMethodsJob.compare(
            new Lakehouse(spark, lh, "annolake"),
            io.annolake.common.config.AnnolakeConfig.defaults(),
            null);
    Map<String, CompareMethodsJob.MethodScore> scores = new TreeMap<>();
    result.scores().forEach(m -> scores.put(m.method(), m));
    assertThat(scores.get("mv").goldAccuracy()).isEqualTo(0.0);
    assertThat(scores.get("wmv").goldAccuracy()).isEqualTo(1.0);
    assertThat(scores.get("wmv").goldItems()).isEqualTo(12);
    // Items without gold: wmv fitted on all gold sides with g1 and g2 as well.
    assertThat(result.pairFlips().get("mv/wmv")).isEqualTo(1.0);
  }

  private static String readHeader(Path csv) {
    try {
      Path file =
          Files.isDirectory(csv)
              ? Files.list(csv).filter(p -> p.toString().endsWith(".csv")).findFirst().orElseThrow()
              : csv;
      return Files.readAllLines(file).get(0);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
