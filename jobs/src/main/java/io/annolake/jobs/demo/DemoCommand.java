package io.annolake.jobs.demo;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.annolake.common.compose.CompositeLabels;
import io.annolake.common.ingest.Ingestion;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.io.LandingFormat;
import io.annolake.common.privacy.WorkerPseudonyms;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import io.annolake.common.simulate.MultiLabelSimulator;
import io.annolake.common.simulate.SimulatedLanding;
import io.annolake.common.simulate.SimulatedLanding.StepLanding;
import io.annolake.common.simulate.SimulatorSettings;
import io.annolake.common.simulate.VerificationSimulator;
import io.annolake.common.spark.Counts;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import io.annolake.jobs.PipelineSteps;
import io.annolake.jobs.ingest.IngestJob;
import io.annolake.jobs.report.ReportJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake demo}: a small simulated operation generated, ingested and run through every job,
 * told as a short account (a line or two per job) that ends with where the report is. The details
 * stay in the tables and the report. The README's first command.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Generates a small operation (about 20k annotations) into a temporary landing folder,",
      "ingests it, runs every job (worker-quality, agreement, consensus, compose, anomalies, routing,",
      "edge-cases, operations; one of its steps is multi-label),",
      "writes the quality report, and prints a short account and the path of the report's index.html."
    })
public final class DemoCommand implements Callable<Integer> {
  /**
   * Spark settings for the demo's small inputs, before the user's settings so that theirs win: on
   * 20k answers, whole-stage code generation (compiling and JIT-compiling a class per query) and
   * adaptive re-planning cost more than they save; off, the demo took 128-146 s instead of 161-170
   * s (docs/BENCHMARKS.md, twelfth session). Jobs on real volumes keep Spark's defaults.
   */
  static final String SMALL_INPUT_SPARK =
      "annolake.spark.extra {\n"
          + "  \"spark.sql.codegen.wholeStage\" = \"false\"\n"
          + "  \"spark.sql.codegen.factoryMode\" = \"NO_CODEGEN\"\n"
          + "  \"spark.sql.adaptive.enabled\" = \"false\"\n"
          + "}\n";

  @Mixin GlobalOptions global;

  @Option(
      names = "--annotations",
      defaultValue = "20000",
      description = "Annotation records (default: ${DEFAULT-VALUE}).")
  long annotations;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--landing",
      paramLabel = "DIR",
      description = "Landing folder (default: a new temporary folder).")
  Path landing;

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    // The account below is the demo's output: the jobs' own log lines and progress stay quiet.
    Configurator.setLevel("io.annolake", Level.WARN);
    SimulatorSettings simulated = SimulatorSettings.defaults(annotations, seed);
    Path quiet = quietSettings(simulated);
    GlobalOptions settings = global.forJob(null, "demo");
    settings.conf = quiet;
    settings.runId = global.runId;
    JobShell.Env env = JobShell.open(settings, Map.of());
    Path dir = landing != null ? landing : Files.createTempDirectory("annolake-demo-");
    String out = dir.toAbsolutePath().toString();
    System.out.println(
        "annolake demo: a simulated labeling operation, from landing files to the quality report.");
    SimulatedLanding.Result generated =
        SimulatedLanding.generate(env.spark(), simulated, LandingFormat.JSON, out, out + "/_truth");
    // the first project's items also go through a verification step (a three-step pipeline), the
    // last project's get a multi-label step (label sets, decided per label); both inside the main
    // landing, so one ingest run per kind takes every step's files
    long verifications =
        SimulatedLanding.generateVerification(
            env.spark(),
            simulated,
            LandingFormat.JSON,
            StepLanding.inside(out, VerificationSimulator.STEP),
            out + "/_truth");
    SimulatedLanding.generateMultiLabel(
        env.spark(),
        simulated,
        LandingFormat.JSON,
        StepLanding.inside(out, MultiLabelSimulator.STEP),
        out + "/_truth");
    long bad = Counts.total(generated.badRecords());
    line(
        "generate",
        since(started),
        String.format(
            "%,d annotation records on %,d items by %d simulated workers, %,d of them bad on purpose, and %,d verification answers; landing files in %s",
            generated.records(), generated.units(), generated.workers(), bad, verifications, out));

    long ingested = 0;
    long rejected = 0;
    long phase = System.nanoTime();
    List<Ingestion.Result> results = IngestJob.ingestLanding(settings, out, Map.of());
    for (Ingestion.Result result : results) {
      ingested += result.ingested();
      rejected += result.rejected();
    }
    line(
        "ingest",
        since(phase),
        String.format(
            "%,d records (annotations, gold labels, adjudications, label schemas, guidelines, annotators' questions) into silver; %,d rejected, each with a reason code (table %s)",
            ingested, rejected, Tables.REJECTED_RECORDS));

    Lakehouse lakehouse = env.lakehouse();
    String report = null;
    long days = PipelineSteps.daysBack(simulated, global.logicalDate);
    for (PipelineSteps.Step<?> step : PipelineSteps.all(days)) {
      phase = System.nanoTime();
      GlobalOptions options = global.forJob(null, step.job());
      options.conf = quiet;
      if (step.run(options) instanceof ReportJob.Result r) {
        report = r.index().toString();
      }
      line(step.job(), since(phase), account(step.job(), lakehouse, report));
      if (step.job().equals("consensus")) {
        line(
            "multi-label",
            "",
            multiLabelAccount(lakehouse, MultiLabelSimulator.project(simulated)));
      }
    }
    System.out.printf(
        "%nTables are under %s, e.g. SELECT * FROM delta.`%s` LIMIT 10 in Spark SQL.%n",
        lakehouse.root(), lakehouse.path(Tables.CONSENSUS_LABELS));
    System.out.printf(
        "Finished in %.0f s. Open the report: %s%n", (System.nanoTime() - started) / 1e9, report);
    return 0;
  }

  /** What a job found, from the tables it wrote. */
  static String account(String job, Lakehouse lh, String report) {
    switch (job) {
      case "worker-quality" -> {
        Row r =
            lh.read(Tables.WORKER_QUALITY)
                .where(col(Columns.GOLD_ANSWERS).gt(0))
                .agg(countDistinct("worker_id").as(Columns.WORKERS))
                .head();
        long paused =
            lh.exists(Tables.PAUSED_WORKERS)
                ? lh.read(Tables.PAUSED_WORKERS).select(Columns.WORKER_ID).distinct().count()
                : 0;
        return String.format(
            "%d workers judged on gold items; %d paused on proof of low accuracy (table %s)",
            r.<Long>getAs(Columns.WORKERS), paused, Tables.PAUSED_WORKERS);
      }
      case "agreement" -> {
        Row r =
            lh.read(Tables.AGREEMENT_SUMMARY)
                .where(
                    col(Columns.METRIC)
                        .equalTo(lit("krippendorff_alpha"))
                        .and(col(Columns.LEVEL).equalTo(lit("nominal")))
                        .and(col(Columns.DAY).isNull()))
                .agg(count(lit(1)).as("slices"), min("value").as("min"), max("value").as("max"))
                .head();
        return r.<Long>getAs("slices") == 0
            ? "no slice with enough answers for agreement"
            : String.format(
                "Krippendorff's alpha (nominal) from %.2f to %.2f over %d step/guideline slices (table %s)",
                r.<Double>getAs("min"),
                r.<Double>getAs("max"),
                r.<Long>getAs("slices"),
                Tables.AGREEMENT_SUMMARY);
      }
      case "consensus" -> {
        Map<String, Long> byDecision = Counts.byValue(lh.read(Tables.CONSENSUS_LABELS), "decision");
        long total = Counts.total(byDecision);
        StringBuilder b = new StringBuilder(String.format("%,d items labeled:", total));
        byDecision.forEach(
            (d, n) -> b.append(String.format(" %,d %s,", n, d.toLowerCase().replace('_', '-'))));
        b.setLength(b.length() - 1);
        return b + String.format(" (tables %s, %s)", Tables.CONSENSUS_LABELS, Tables.ESCALATIONS);
      }
      case "compose" -> {
        Map<String, Long> byStatus = Counts.byValue(lh.read(Tables.COMPOSITE_LABELS), "status");
        return String.format(
            "%,d items through a three-step pipeline: %,d complete, %,d rejected by verification and sent back, %,d in progress (tables %s, %s)",
            Counts.total(byStatus),
            byStatus.getOrDefault(CompositeLabels.COMPLETE, 0L),
            byStatus.getOrDefault(CompositeLabels.REJECTED, 0L),
            byStatus.getOrDefault(CompositeLabels.IN_PROGRESS, 0L),
            Tables.COMPOSITE_LABELS,
            Tables.RELABEL_QUEUE);
      }
      case "anomalies" -> {
        Map<String, Long> bySeverity = Counts.byValue(lh.read(Tables.ANOMALY_FLAGS), "severity");
        return String.format(
            "%,d flags by severity %s (table %s)",
            Counts.total(bySeverity), bySeverity, Tables.ANOMALY_FLAGS);
      }
      case "routing" -> {
        Row r =
            lh.read(Tables.WORKER_ROUTING)
                .where(col(Columns.RANK).equalTo(1))
                .agg(count(lit(1)).as("classes"), countDistinct("worker_id").as(Columns.WORKERS))
                .head();
        return String.format(
            "%d classes with a first worker to route to, %d distinct workers among them (table %s)",
            r.<Long>getAs("classes"), r.<Long>getAs(Columns.WORKERS), Tables.WORKER_ROUTING);
      }
      case "edge-cases" -> {
        Map<String, Long> byStatus = new TreeMap<>();
        Counts.byValue(lh.read(Tables.EDGE_CASES), "status")
            .forEach((status, n) -> byStatus.put(status.toLowerCase(), n));
        return String.format(
            "%,d edge cases (asked, decided with a rationale or escalated) by status %s (table %s)",
            Counts.total(byStatus), byStatus, Tables.EDGE_CASES);
      }
      case "operations" -> {
        long rows = lh.read(Tables.OPERATIONS_DAILY).count();
        return String.format(
            "%,d project/step/day rows of daily figures (table %s)", rows, Tables.OPERATIONS_DAILY);
      }
      case "report" -> {
        return "the quality report, a static site with a page per project: " + report;
      }
      default -> {
        return "done";
      }
    }
  }

  /** What consensus decided on the simulated multi-label step, label by label. */
  static String multiLabelAccount(Lakehouse lh, String project) {
    Map<String, Long> byDecision =
        Counts.byValue(
            lh.read(Tables.CONSENSUS_LABELS)
                .where(
                    col(Columns.PROJECT_ID)
                        .equalTo(lit(project))
                        .and(col(Columns.STEP).equalTo(lit(MultiLabelSimulator.STEP)))),
            "decision");
    long present =
        lh.read(Tables.LABEL_PRESENCE)
            .where(
                col(Columns.PROJECT_ID)
                    .equalTo(lit(project))
                    .and(col(Columns.STEP).equalTo(lit(MultiLabelSimulator.STEP)))
                    .and(col(Columns.PRESENT)))
            .count();
    StringBuilder b =
        new StringBuilder(
            String.format(
                "%,d items of multi-label step '%s' (%s) decided label by label, %,d labels present:",
                Counts.total(byDecision), MultiLabelSimulator.STEP, project, present));
    byDecision.forEach(
        (d, n) -> b.append(String.format(" %,d %s,", n, d.toLowerCase().replace('_', '-'))));
    b.setLength(b.length() - 1);
    return b + String.format(" (table %s)", Tables.LABEL_PRESENCE);
  }

  /** A line of the account: the job, how long it took, what it found. */
  private static void line(String job, String took, String text) {
    System.out.printf("  %-15s %7s  %s%n", job, took, text);
  }

  /** Seconds since a {@link System#nanoTime()} reading. */
  private static String since(long start) {
    return String.format("%.1f s", (System.nanoTime() - start) / 1e9);
  }

  /**
   * The user's settings (if any) with progress lines off, as a settings file the nested runs read.
   */
  private Path quietSettings(SimulatorSettings simulated) throws java.io.IOException {
    Path file = Files.createTempFile("annolake-demo-", ".conf");
    file.toFile().deleteOnExit();
    String include =
        global.conf == null
            ? ""
            : "include file(\""
                + global
                    .conf
                    .toAbsolutePath()
                    .toString()
                    .replace("\\", "\\\\")
                    .replace("\"", "\\\"")
                + "\")\n";
    // The simulated workers are not people: without a pseudonym key in the environment the report
    // shows their ids.
    boolean key =
        System.getenv(WorkerPseudonyms.KEY_ENV) != null
            || System.getenv(WorkerPseudonyms.KEY_FILE_ENV) != null;
    String privacy = key ? "" : WorkerPseudonyms.WORKER_IDS_KEY + " = raw\n";
    Files.writeString(
        file,
        SMALL_INPUT_SPARK
            + include
            + "annolake.progress.interval-seconds = 0\n"
            + privacy
            + VerificationSimulator.pipelineConf(simulated)
            + "\n");
    return file;
  }
}
