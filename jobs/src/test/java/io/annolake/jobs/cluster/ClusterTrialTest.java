package io.annolake.jobs.cluster;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import io.delta.tables.DeltaTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The pipeline on a real standalone cluster (a Master and two Workers as separate JVMs on loopback,
 * jobs through SparkSubmit with the spark-submit jar): the same rows as local mode, also when an
 * executor JVM is killed (kill -9) during consensus' EM or ingest's write; with every worker gone
 * the job fails with exit 1 and changes no table, and its rerun gives the same rows.
 *
 * <p>Trials per kill scenario: {@code -Dannolake.trials.kills=N} (default 1;
 * bin/trials/executor-kills.sh runs more and prints the counts).
 */
@Tag("trial")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTrialTest {
  private static final String DATE = "2026-01-18";

  /** Columns that name the run or its clock, not its result. */
  private static final Set<String> VOLATILE = Set.of("run_id", "ingested_at", "batch_id");

  private static final List<String> INGEST_TABLES =
      List.of(
          Tables.RAW_ANNOTATIONS,
          Tables.ANNOTATIONS,
          Tables.REJECTED_RECORDS,
          Tables.INGESTED_FILES);

  /** Per submitted job; a loaded host needs more (-Dannolake.trials.job-timeout-minutes). */
  private static final Duration JOB_TIMEOUT =
      Duration.ofMinutes(Integer.getInteger("annolake.trials.job-timeout-minutes", 30));

  private final int kills = Integer.getInteger("annolake.trials.kills", 1);
  private final Random random = new Random(Long.getLong("annolake.trials.seed", 20261206L));
  private final Map<String, String> counts = new LinkedHashMap<>();
  private Path dir;
  private Path landing;
  private Path local;
  private Path conf;
  private Path afterGold;
  private Path afterQuality;
  private LoopbackCluster cluster;
  private SparkSession spark;
  private int passed;

  @BeforeAll
  void setUp() throws Exception {
    dir = Files.createTempDirectory("annolake-cluster-trial");
    spark = SparkTestSession.get();
    landing = dir.resolve("landing");
    conf = dir.resolve("trial.conf");
    // Two shuffle partitions as the local test session has; progress lines mark the steps to kill
    // in.
    Files.writeString(
        conf,
        "annolake { lakehouse.catalog = in-memory, spark.shuffle-partitions = 2, progress.interval-seconds = 1,"
            + " spark.executor-loss-timeout = 20s }");
    CliRun.ok("generate", "--out", landing.toString(), "--annotations", "2000", "--seed", "7");
    local = dir.resolve("local");
    for (List<String> job : pipeline()) {
      List<String> args = new ArrayList<>(job);
      args.addAll(List.of("--lakehouse", local.toString(), "--conf", conf.toString()));
      CliRun.ok(args.toArray(String[]::new));
    }
    cluster = LoopbackCluster.start(dir.resolve("cluster"), 2);
  }

  @AfterAll
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    System.out.println("cluster trials: " + counts);
    // the lakehouses and driver logs stay for reading only when a scenario did not pass
    if (passed == 4) {
      FileUtils.deleteDirectory(dir.toFile());
    } else {
      System.out.println("cluster trials: lakehouses and logs kept in " + dir);
    }
  }

  /**
   * ingest (schemas, gold, annotations) -> worker-quality -> consensus -> agreement -> anomalies.
   */
  private List<List<String>> pipeline() {
    String l = landing.toString();
    return List.of(
        List.of("ingest", "--source", l + "/schemas", "--kind", "schema", "--logical-date", DATE),
        List.of("ingest", "--source", l + "/gold", "--kind", "gold", "--logical-date", DATE),
        List.of("ingest", "--source", l + "/annotations", "--logical-date", DATE),
        List.of("worker-quality", "--logical-date", DATE),
        List.of("consensus", "--logical-date", DATE),
        List.of("agreement", "--logical-date", DATE),
        List.of("anomalies", "--logical-date", DATE, "--window-days", "14"));
  }

  /**
   * A submitted job's end: exit code, its log, and whether the kill (if any) landed while it ran.
   */
  private record Submitted(int code, String log, boolean killed) {}

  /**
   * Submits one CLI command to the cluster; when {@code marker} appears in its output, waits a
   * random moment up to {@code delayMs} and runs {@code kill}.
   */
  private Submitted submit(
      Path lakehouse, List<String> job, String marker, int delayMs, KillAction kill)
      throws Exception {
    List<String> args = new ArrayList<>(job);
    args.addAll(List.of("--lakehouse", lakehouse.toString(), "--conf", conf.toString()));
    Path log = Files.createTempFile(dir, job.get(0) + "-", ".log");
    Process driver = cluster.start(cluster.submit(List.of(), args), log);
    boolean killed = false;
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (driver.isAlive() && System.nanoTime() < deadline) {
      if (marker != null
          && !killed
          && Files.readString(log, StandardCharsets.UTF_8).contains(marker)) {
        Thread.sleep(delayMs > 0 ? random.nextInt(delayMs) : 0);
        killed = driver.isAlive() && kill.run();
      }
      Thread.sleep(100);
    }
    if (driver.isAlive()) {
      driver.destroyForcibly();
      throw new IllegalStateException(job + " did not end within " + JOB_TIMEOUT + "; log " + log);
    }
    return new Submitted(driver.exitValue(), Files.readString(log, StandardCharsets.UTF_8), killed);
  }

  @FunctionalInterface
  private interface KillAction {
    boolean run() throws Exception;
  }

  private Submitted submitOk(Path lakehouse, List<String> job) throws Exception {
    Submitted run = submit(lakehouse, job, null, 0, () -> false);
    assertThat(run.code()).as(run.log()).isZero();
    return run;
  }

  @Test
  @Order(1)
  void thePipelineOnTheClusterGivesTheRowsOfLocalMode() throws Exception {
    Path lakehouse = dir.resolve("on-cluster");
    List<List<String>> jobs = pipeline();
    for (int i = 0; i < jobs.size(); i++) {
      submitOk(lakehouse, jobs.get(i));
      if (i == 1) {
        afterGold = dir.resolve("after-gold");
        LoopbackCluster.copyTree(lakehouse, afterGold);
      } else if (i == 3) {
        afterQuality = dir.resolve("after-quality");
        LoopbackCluster.copyTree(lakehouse, afterQuality);
      }
    }
    List<String> tables = new ArrayList<>(Tables.ALL);
    tables.remove(Tables.PIPELINE_RUNS);
    assertThat(differences(local, lakehouse, tables)).isEmpty();
    counts.put("pipeline tables compared", String.valueOf(present(lakehouse, tables)));

    // Provenance from the jar: every run row and commit names the build, not "dev".
    Lakehouse lh = new Lakehouse(spark, lakehouse.toString(), "annolake");
    List<String> versions =
        lh.read(Tables.PIPELINE_RUNS)
            .select("code_version")
            .distinct()
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertThat(versions).hasSize(1);
    assertThat(versions.get(0)).matches("\\d+\\.\\d+\\.\\d+.*\\+[0-9a-f]{7,}.*");
    String userMetadata =
        DeltaTable.forPath(spark, lh.path(Tables.CONSENSUS_LABELS))
            .history(1)
            .select("userMetadata")
            .head()
            .getString(0);
    assertThat(userMetadata).contains("\"code_version\":\"" + versions.get(0) + "\"");
    passed++;
  }

  @Test
  @Order(2)
  void anExecutorKilledDuringConsensusEmChangesNoRow() throws Exception {
    assumeTrue(afterQuality != null, "needs the lakehouse of the pipeline trial");
    int same = 0;
    int landed = 0;
    for (int trial = 0; trial < kills; trial++) {
      Path lakehouse = dir.resolve("em-kill-" + trial);
      LoopbackCluster.copyTree(afterQuality, lakehouse);
      Submitted run =
          submit(
              lakehouse,
              List.of("consensus", "--logical-date", DATE),
              "indexing and fitting",
              1500,
              cluster::killOneExecutor);
      landed += run.killed() ? 1 : 0;
      assertThat(run.code()).as(run.log()).isZero();
      List<String> diff = differences(local, lakehouse, Tables.CONSENSUS_TABLES);
      same += diff.isEmpty() ? 1 : 0;
      assertThat(diff).as("trial %d", trial).isEmpty();
    }
    counts.put("consensus EM kills (landed/same rows/trials)", landed + "/" + same + "/" + kills);
    assertThat(landed).isPositive();
    passed++;
  }

  @Test
  @Order(3)
  void anExecutorKilledDuringIngestsWriteChangesNoRow() throws Exception {
    assumeTrue(afterGold != null, "needs the lakehouse of the pipeline trial");
    int same = 0;
    int landed = 0;
    for (int trial = 0; trial < kills; trial++) {
      Path lakehouse = dir.resolve("ingest-kill-" + trial);
      LoopbackCluster.copyTree(afterGold, lakehouse);
      String marker = trial % 2 == 0 ? "writing bronze" : "writing silver";
      Submitted run = submit(lakehouse, pipeline().get(2), marker, 1000, cluster::killOneExecutor);
      landed += run.killed() ? 1 : 0;
      assertThat(run.code()).as(run.log()).isZero();
      List<String> diff = differences(local, lakehouse, INGEST_TABLES);
      same += diff.isEmpty() ? 1 : 0;
      assertThat(diff).as("trial %d", trial).isEmpty();
    }
    counts.put("ingest write kills (landed/same rows/trials)", landed + "/" + same + "/" + kills);
    assertThat(landed).isPositive();
    passed++;
  }

  @Test
  @Order(4)
  void withEveryWorkerGoneTheJobFailsAndLosesNothing() throws Exception {
    assumeTrue(afterQuality != null, "needs the lakehouse of the pipeline trial");
    Path lakehouse = dir.resolve("workers-gone");
    LoopbackCluster.copyTree(afterQuality, lakehouse);
    Map<String, Long> before = versions(lakehouse);
    Submitted run =
        submit(
            lakehouse,
            List.of("consensus", "--logical-date", DATE),
            "indexing and fitting",
            0,
            () -> {
              cluster.killWorkers();
              return true;
            });
    cluster.startWorkers();
    assertThat(run.killed()).isTrue();
    assertThat(run.code()).as(run.log()).isEqualTo(1);
    Map<String, Long> after = versions(lakehouse);
    after.remove(Tables.PIPELINE_RUNS);
    before.remove(Tables.PIPELINE_RUNS);
    assertThat(after).isEqualTo(before);

    submitOk(lakehouse, List.of("consensus", "--logical-date", DATE));
    assertThat(differences(local, lakehouse, Tables.CONSENSUS_TABLES)).isEmpty();
    counts.put("every worker gone", "exit " + run.code() + ", tables unchanged, rerun same rows");
    passed++;
  }

  private Map<String, Long> versions(Path lakehouse) {
    Lakehouse lh = new Lakehouse(spark, lakehouse.toString(), "annolake");
    Map<String, Long> out = new LinkedHashMap<>();
    for (String table : Tables.ALL) {
      out.put(table, lh.version(table));
    }
    return out;
  }

  private int present(Path lakehouse, List<String> tables) {
    Lakehouse lh = new Lakehouse(spark, lakehouse.toString(), "annolake");
    return (int) tables.stream().filter(lh::exists).count();
  }

  /**
   * Tables whose rows differ between two lakehouses (run ids and run clocks aside), with counts.
   */
  private List<String> differences(Path expected, Path actual, List<String> tables) {
    Lakehouse a = new Lakehouse(spark, expected.toString(), "annolake");
    Lakehouse b = new Lakehouse(spark, actual.toString(), "annolake");
    List<String> out = new ArrayList<>();
    for (String table : tables) {
      if (a.exists(table) != b.exists(table)) {
        out.add(table + ": exists in only one");
        continue;
      }
      if (!a.exists(table)) {
        continue;
      }
      Dataset<Row> x = asJson(a.read(table));
      Dataset<Row> y = asJson(b.read(table));
      long missing = x.exceptAll(y).count();
      long extra = y.exceptAll(x).count();
      if (missing + extra > 0) {
        out.add(
            table
                + ": "
                + missing
                + " rows missing, "
                + extra
                + " extra; e.g. "
                + x.exceptAll(y).limit(1).collectAsList());
      }
    }
    return out;
  }

  /**
   * One JSON text per row without the volatile columns, every value compared exactly (to_json
   * prints a double's shortest text that reads back as the same double). Agreement's point
   * estimates are summed in a fixed pattern order, so a cluster's shuffle order does not reach
   * their last bits (it did before: 0.4362139917695473 against 0.43621399176954734).
   */
  private static Dataset<Row> asJson(Dataset<Row> rows) {
    Column[] kept =
        Arrays.stream(rows.schema().fields())
            .filter(f -> !VOLATILE.contains(f.name()))
            .map(f -> col("`" + f.name() + "`"))
            .toArray(Column[]::new);
    return rows.select(to_json(struct(kept)).as("row"));
  }
}
