package io.annolake.jobs.trials;

import static io.annolake.jobs.CliRun.ok;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Digest;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability bar of scheduling, with real processes: runs for different projects started
 * together (one of them killed with SIGKILL in every other round, then rerun), drivers killed at a
 * random moment and rerun, and a backfill. Each trial's lakehouse must equal a clean one that ran
 * the same commands one after another: no row lost, none duplicated, every successful run's rows
 * present. The suite runs a few rounds; the full counts (20 and 20) are {@code mvn -Ptrials test
 * -Dtest=SchedulingTrial -Dtrials.concurrency-rounds=20 -Dtrials.kill-rounds=20}.
 */
@Tag("trial")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulingTrial {
  private static final String DATE = "2026-01-05";
  private final SparkSession spark = SparkTestSession.get();
  private final Random random = new Random(Long.getLong("trials.seed", 20261206L));
  @TempDir static Path dir;
  private Path base;
  private String extra;
  private Launcher annolake;
  private List<String> projects;
  private final Map<List<Command>, Map<String, List<String>>> cleanRuns = new HashMap<>();

  @BeforeAll
  void baseLakehouse() throws Exception {
    String landing = dir.resolve("landing").toString();
    ok(
        "generate",
        "--out",
        landing,
        "--format",
        "csv",
        "--annotations",
        "4000",
        "--projects",
        "3",
        "--days",
        "5",
        "--start-date",
        "2026-01-01",
        "--seed",
        "11");
    extra = dir.resolve("extra").toString();
    ok(
        "generate",
        "--out",
        extra,
        "--format",
        "csv",
        "--annotations",
        "600",
        "--projects",
        "3",
        "--days",
        "1",
        "--start-date",
        DATE,
        "--seed",
        "12");
    base = dir.resolve("base");
    for (String kind : List.of("schemas:schema", "gold:gold", "annotations:annotations")) {
      String[] k = kind.split(":");
      ok(
          "ingest",
          "--lakehouse",
          base.toString(),
          "--source",
          landing + "/" + k[0],
          "--kind",
          k[1],
          "--logical-date",
          DATE,
          "--run-id",
          "base-" + k[0]);
    }
    ok(
        "worker-quality",
        "--lakehouse",
        base.toString(),
        "--logical-date",
        DATE,
        "--run-id",
        "base-wq");
    ok(
        "consensus",
        "--lakehouse",
        base.toString(),
        "--logical-date",
        DATE,
        "--run-id",
        "base-consensus");
    projects =
        new Lakehouse(spark, base.toString(), "annolake")
                .read(Tables.ANNOTATIONS)
                .select("project_id")
                .distinct()
                .orderBy("project_id")
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .toList();
    assertThat(projects).hasSizeGreaterThanOrEqualTo(2);
    annolake = new Launcher(dir);
  }

  /**
   * One scheduled command: a job, its project (or none) and a fixed run id, so trial and clean rows
   * match.
   */
  private record Command(String job, String project, String runId) {
    List<String> args(Path lakehouse, String extra) {
      List<String> a =
          new ArrayList<>(
              List.of(
                  job,
                  "--lakehouse",
                  lakehouse.toString(),
                  "--logical-date",
                  DATE,
                  "--run-id",
                  runId));
      if (job.equals("ingest")) {
        a.addAll(List.of("--source", extra + "/annotations"));
      } else if (project != null) {
        a.addAll(List.of("--project", project));
      }
      return a;
    }
  }

  @Test
  void runsForDifferentProjectsStartedTogetherLoseNothing() throws Exception {
    int rounds = Integer.getInteger("trials.concurrency-rounds", 2);
    int killed = 0;
    for (int r = 0; r < rounds; r++) {
      String p1 = projects.get(r % projects.size());
      String p2 = projects.get((r + 1) % projects.size());
      List<Command> commands =
          switch (r % 3) {
            case 0 ->
                List.of(
                    new Command("consensus", p1, "c" + r % 3 + "a"),
                    new Command("consensus", p2, "c" + r % 3 + "b"));
            case 1 ->
                List.of(
                    new Command("worker-quality", p1, "c" + r % 3 + "a"),
                    new Command("anomalies", p2, "c" + r % 3 + "b"));
            default ->
                List.of(
                    new Command("ingest", null, "c" + r % 3 + "a"),
                    new Command("consensus", p1, "c" + r % 3 + "b"));
          };
      Path trial = copy(base, dir.resolve("round-" + r));
      List<Launcher.Running> running = new ArrayList<>();
      for (Command c : commands) {
        running.add(annolake.start(c.args(trial, extra)));
      }
      int victim = r % 2 == 1 ? random.nextInt(commands.size()) : -1;
      if (victim >= 0) {
        Thread.sleep(3_000 + random.nextInt(20_000));
        running.get(victim).kill();
        killed++;
      }
      for (int i = 0; i < commands.size(); i++) {
        int code = running.get(i).await(15);
        if (i != victim || code == 0) { // a victim may have finished before the kill
          assertThat(code)
              .as("round %d: %s%n%s", r, commands.get(i), running.get(i).output())
              .isZero();
        } else {
          assertThat(annolake.run(commands.get(i).args(trial, extra)))
              .as("round %d: rerun of %s", r, commands.get(i))
              .isZero();
        }
      }
      // an ingest beside a consensus: the consensus read the answers before or after the ingest's
      // commit, so the lakehouse must equal one of the two serial orders
      List<List<Command>> orders =
          r % 3 == 2
              ? List.of(commands, List.of(commands.get(1), commands.get(0)))
              : List.of(commands);
      assertSameAsClean(trial, orders, "concurrency round " + r);
      System.out.printf(
          "concurrency round %d: %s%s, equal to a clean run%n",
          r, commands, victim >= 0 ? " (driver " + victim + " killed, rerun)" : "");
    }
    System.out.printf(
        "scheduling trial: %d concurrency rounds (%d with a driver killed), every lakehouse equal to its clean run%n",
        rounds, killed);
  }

  @Test
  void twoRunsForTheSameProjectTakeTurns() throws Exception {
    Path trial = copy(base, dir.resolve("same-project"));
    String p = projects.get(0);
    List<Command> commands =
        List.of(new Command("consensus", p, "s1"), new Command("consensus", p, "s2"));
    List<Launcher.Running> running = new ArrayList<>();
    for (Command c : commands) {
      running.add(annolake.start(c.args(trial, extra)));
    }
    String logs = "";
    for (Launcher.Running r : running) {
      assertThat(r.await(15)).as(r.output()).isZero();
      logs += r.output();
    }
    assertThat(logs).contains("waits for project '" + p + "'");
    // which one went first is a race: compare without run ids
    Path clean = copy(base, dir.resolve("same-project-clean"));
    for (Command c : commands) {
      ok(c.args(clean, extra).toArray(String[]::new));
    }
    assertThat(
            TableContents.of(new Lakehouse(spark, trial.toString(), "annolake"), Set.of("run_id")))
        .isEqualTo(
            TableContents.of(new Lakehouse(spark, clean.toString(), "annolake"), Set.of("run_id")));
  }

  @Test
  void aDriverKilledAtARandomMomentIsRerunToACleanRunsTables() throws Exception {
    int rounds = Integer.getInteger("trials.kill-rounds", 3);
    List<String> jobs = List.of("ingest", "worker-quality", "consensus");
    for (int k = 0; k < rounds; k++) {
      Command c = new Command(jobs.get(k % jobs.size()), null, "k-" + jobs.get(k % jobs.size()));
      Path trial = copy(base, dir.resolve("kill-" + k));
      Launcher.Running run = annolake.start(c.args(trial, extra));
      long after = 2_000 + random.nextInt(25_000);
      Thread.sleep(after);
      run.kill();
      System.out.printf(
          "kill round %d: %s killed after %d ms (exit %d)%n",
          k, c.job(), after, run.process().exitValue());
      assertThat(annolake.run(c.args(trial, extra))).as("rerun of %s", c).isZero();
      assertSameAsClean(trial, List.of(List.of(c)), "kill round " + k);
      System.out.printf("kill round %d: rerun equal to a clean run%n", k);
    }
  }

  @Test
  void aBackfillReproducesItsDateAndKeepsTheLaterState() throws Exception {
    Path lh = copy(base, dir.resolve("backfill"));
    Lakehouse lakehouse = new Lakehouse(spark, lh.toString(), "annolake");
    List<String> days =
        List.of("2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05");
    for (String day : days) {
      for (String job : List.of("worker-quality", "consensus")) {
        ok(job, "--lakehouse", lh.toString(), "--logical-date", day, "--run-id", job + "-" + day);
      }
    }
    Map<String, List<String>> day5 = TableContents.of(lakehouse);
    Map<String, Long> day2 = outputDigests(lakehouse, "consensus-2026-01-02");

    for (String job : List.of("worker-quality", "consensus")) {
      ok(
          job,
          "--lakehouse",
          lh.toString(),
          "--logical-date",
          "2026-01-02",
          "--run-id",
          job + "-again");
    }
    assertThat(TableContents.of(lakehouse)).as("day 5's state after day 2 again").isEqualTo(day5);
    List<Row> again =
        lakehouse
            .read(Tables.PIPELINE_RUNS)
            .where(
                col("run_id")
                    .equalTo(lit("consensus-again"))
                    .and(col("status").equalTo(lit("SUCCEEDED"))))
            .select(explode(col("outputs")).as("o"))
            .select("o.table_name", "o.digest", "o.kept_newer_state")
            .collectAsList();
    assertThat(again).hasSize(Tables.CONSENSUS_TABLES.size());
    for (Row o : again) {
      assertThat(o.getString(2)).as(o.getString(0)).contains("2026-01-05");
      assertThat(o.getLong(1))
          .as("day 2's %s as before", o.getString(0))
          .isEqualTo(day2.get(o.getString(0)));
    }
  }

  /**
   * The digest of each table a run computed: the one it recorded where it kept a newer state (the
   * base lakehouse has runs for the last day, so days 1 to 4 keep it), else the table at the
   * version it wrote.
   */
  private Map<String, Long> outputDigests(Lakehouse lakehouse, String runId) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (Row o :
        lakehouse
            .read(Tables.PIPELINE_RUNS)
            .where(col("run_id").equalTo(lit(runId)).and(col("status").equalTo(lit("SUCCEEDED"))))
            .select(explode(col("outputs")).as("o"))
            .select("o.table_name", "o.version_after", "o.kept_newer_state", "o.digest")
            .collectAsList()) {
      out.put(
          o.getString(0),
          o.isNullAt(2)
              ? Digest.of(lakehouse.read(o.getString(0), o.getLong(1))).value()
              : o.getLong(3));
    }
    return out;
  }

  /**
   * Runs the same commands one after another on a copy of the base, in-process, in each of the
   * given orders, and compares every table with the trial's: it must equal one of them. Rounds with
   * the same commands (the same run ids) share their clean runs.
   */
  private void assertSameAsClean(Path trial, List<List<Command>> orders, String what) {
    Map<String, List<String>> actual =
        TableContents.of(new Lakehouse(spark, trial.toString(), "annolake"));
    Map<String, List<String>> expected = null;
    for (int i = 0; i < orders.size(); i++) {
      String name = trial.getFileName() + "-clean-" + i;
      expected =
          cleanRuns.computeIfAbsent(
              orders.get(i),
              cs -> {
                try {
                  Path clean = copy(base, dir.resolve(name));
                  for (Command c : cs) {
                    ok(c.args(clean, extra).toArray(String[]::new));
                  }
                  return TableContents.of(new Lakehouse(spark, clean.toString(), "annolake"));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      if (actual.equals(expected)) {
        return;
      }
    }
    assertThat(actual.keySet()).as(what).isEqualTo(expected.keySet());
    for (String table : expected.keySet()) {
      assertThat(actual.get(table)).as("%s: %s", what, table).isEqualTo(expected.get(table));
    }
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      files.forEach(
          p -> {
            try {
              Path target = to.resolve(from.relativize(p).toString());
              if (Files.isDirectory(p)) {
                Files.createDirectories(target);
              } else if (!p.toString().contains("_annolake/locks")) {
                Files.copy(p, target);
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    return to;
  }
}
