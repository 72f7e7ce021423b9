package io.annolake.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annolake.common.config.ConfigException;
import io.annolake.common.ingest.IngestTransforms;
import io.annolake.common.ingest.Ingestion;
import io.annolake.common.ingest.ValidationRules;
import io.annolake.common.io.LandingFormat;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.RecordKind;
import io.annolake.common.schema.Tables;
import io.annolake.common.simulate.CrowdSimulator;
import io.annolake.common.simulate.SimulatedLanding;
import io.annolake.common.simulate.SimulatorSettings;
import io.annolake.common.simulate.WorkerPool;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import io.annolake.jobs.PipelineSteps;
import io.annolake.jobs.ingest.IngestJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code annolake bench <command>}: runs a command on simulated data of a given size (generated
 * once and cached) and prints one JSON object with its wall time, throughput and peak memory.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Runs COMMAND on N simulated annotations and prints one JSON object: command, annotations,",
      "wall_s, rows_per_s, peak_rss_mb (the process's peak resident memory during the timed part);",
      "with --repeat N (jobs), also every run's wall time and the median of the warm ones; host_probe_ms:",
      "a fixed one-thread loop timed before and after (a slower host gives a larger figure).",
      "COMMAND: generate, ingest, or a job run on an ingested lakehouse (worker-quality, agreement,",
      "consensus, compare-methods, anomalies, operations, report); 'report' first runs the jobs whose tables it",
      "reads on the cached lakehouse, once and untimed, then times the report alone; options after COMMAND that bench does not know are passed to it,",
      "e.g. 'bench consensus --annotations 1000000 --method ds'. Inputs (landing files and the",
      "ingested lakehouse) are generated once per size, seed and format and cached.",
      "--direct (jobs only) skips landing files and bronze: the simulator's annotations go straight to",
      "silver through ingest's validation (same schema; no bad records), for sizes where ingesting",
      "landing files would take hours (100M)."
    })
public final class BenchCommand implements Callable<Integer> {
  static final List<String> COMMANDS =
      List.of(
          "generate",
          "ingest",
          "worker-quality",
          "agreement",
          "consensus",
          "compare-methods",
          "anomalies",
          "operations",
          "report");

  /**
   * The jobs whose tables the report reads, run once (untimed) on the cached lakehouse before
   * 'bench report'.
   */
  static final List<String> REPORT_INPUTS =
      List.of("worker-quality", "agreement", "consensus", "anomalies", "operations");

  @Mixin GlobalOptions global;

  @Parameters(index = "0", paramLabel = "COMMAND", description = "The command to measure.")
  String command;

  @picocli.CommandLine.Unmatched List<String> passThrough = new java.util.ArrayList<>();

  @Option(
      names = "--annotations",
      required = true,
      paramLabel = "N",
      description = "Simulated annotation records.")
  long annotations;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--format",
      defaultValue = "parquet",
      description = "Landing format (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = "--redundancy",
      defaultValue = "3",
      description =
          "Base answers per item (default: ${DEFAULT-VALUE}; 10 for the 10M items x 10 answers size).")
  int redundancy;

  @Option(
      names = "--direct",
      description =
          "Write the simulated silver tables straight to the lakehouse (no landing files, no bronze, no bad records); jobs only.")
  boolean direct;

  @Option(
      names = "--em-reference",
      description =
          "consensus only: after the job, run the same EM passes in Spark and in plain Java over the same"
              + " blocks (collected to the driver; needs heap for every answer as ints), a warm-up round then a measured one,"
              + " and report both and their per-core ratio.")
  boolean emReference;

  @Option(
      names = "--repeat",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Jobs only: run the job N times in this JVM (default: ${DEFAULT-VALUE}). wall_s stays the first run;"
              + " runs_wall_s lists every run and warm_wall_s is the median of runs 2..N (JIT and Spark already warm).")
  int repeat;

  @Option(
      names = "--cache-dir",
      defaultValue = ".bench-cache",
      paramLabel = "DIR",
      description = "Where generated inputs are cached (default: ${DEFAULT-VALUE}).")
  Path cacheDir;

  @Override
  public Integer call() throws Exception {
    if (!COMMANDS.contains(command)) {
      throw new ConfigException(
          "Invalid value '" + command + "' for COMMAND: expected one of " + COMMANDS);
    }
    LandingFormat landingFormat = LandingFormat.parse(format);
    // Benchmarks use a per-session catalog: their lakehouses are throwaway.
    Map<String, Object> overrides =
        Map.of("annolake.lakehouse.catalog", "in-memory", "annolake.progress.interval-seconds", 10);
    SparkSession spark = JobShell.open(global, overrides).spark();
    SimulatorSettings d = SimulatorSettings.defaults(annotations, seed);
    SimulatorSettings settings =
        new SimulatorSettings(
            annotations,
            seed,
            d.projects(),
            d.steps(),
            d.classes(),
            d.workers(),
            redundancy,
            d.goldShare(),
            d.adjudicationShare(),
            d.prelabelShare(),
            d.prelabelAccuracy(),
            direct ? 0 : d.badRate(),
            d.startDate(),
            d.days());
    if (direct && (command.equals("generate") || command.equals("ingest"))) {
      throw new ConfigException(
          "Invalid value '--direct' for COMMAND "
              + command
              + ": it applies to jobs run on a lakehouse");
    }
    String variant =
        (direct ? "direct" : landingFormat.cliName())
            + (redundancy == d.redundancy() ? "" : "-r" + redundancy);
    Path cache = cacheDir.toAbsolutePath().resolve("n" + annotations + "-s" + seed + "-" + variant);
    Path landing = cache.resolve("landing");

    if (repeat < 1) {
      throw new ConfigException(
          "Invalid value '" + repeat + "' for option '--repeat': must be at least 1");
    }
    if (repeat > 1 && (command.equals("generate") || command.equals("ingest"))) {
      throw new ConfigException(
          "Invalid option '--repeat' for COMMAND "
              + command
              + ": it applies to jobs run on a lakehouse");
    }
    if (emReference && !command.equals("consensus")) {
      throw new ConfigException(
          "Invalid option '--em-reference' for COMMAND "
              + command
              + ": it applies to consensus only");
    }
    long rows;
    double wall;
    long peak;
    List<Double> runs = new java.util.ArrayList<>();
    EmReference reference = null;
    double probeBefore = HostProbe.millis();
    switch (command) {
      case "generate" -> {
        Path target = cache.resolve("generate-run");
        resetPeakRss();
        long t0 = System.nanoTime();
        rows =
            SimulatedLanding.generate(
                    spark, settings, landingFormat, target.toString(), target + "/_truth")
                .records();
        wall = (System.nanoTime() - t0) / 1e9;
        peak = peakRssMb();
        deleteRecursively(target);
      }
      case "ingest" -> {
        ensureLanding(spark, settings, landingFormat, landing);
        Path lakehouse = cache.resolve("lakehouse-ingest-run");
        deleteRecursively(lakehouse);
        GlobalOptions options = global.forJob(lakehouse.toString(), "ingest");
        resetPeakRss();
        long t0 = System.nanoTime();
        Ingestion.Result result =
            JobShell.run(
                options,
                "ingest",
                Map.of("source", landing + "/annotations"),
                overrides,
                (run, progress, config) ->
                    Ingestion.run(
                        run,
                        progress,
                        config,
                        landing + "/annotations",
                        RecordKind.ANNOTATIONS,
                        null,
                        null));
        wall = (System.nanoTime() - t0) / 1e9;
        peak = peakRssMb();
        rows = result.read();
        deleteRecursively(lakehouse);
      }
      default -> {
        Path lakehouse = cache.resolve("lakehouse");
        if (direct) {
          ensureDirect(
              global.forJob(lakehouse.toString(), "setup"),
              spark,
              settings,
              cache,
              lakehouse,
              overrides);
        } else {
          ensureLanding(spark, settings, landingFormat, landing);
          ensureIngested(
              global.forJob(lakehouse.toString(), "setup"), landing, lakehouse, overrides);
        }
        if (command.equals("report")) {
          ensureReportInputs(spark, lakehouse, settings);
        }
        List<String> args =
            new java.util.ArrayList<>(List.of(command, "--lakehouse", lakehouse.toString()));
        args.addAll(global.asArgs()); // e.g. --logical-date, which sets the anomalies window
        args.addAll(passThrough);
        peak = -1;
        // Each run replaces the job's tables (no --project: a whole overwrite), so every run does
        // the same work. Through the command line on purpose: the figure is the command a user
        // types, with the options passed through.
        for (int r = 1; r <= repeat; r++) {
          resetPeakRss();
          long t0 = System.nanoTime();
          int code = io.annolake.jobs.AnnolakeCli.execute(args.toArray(String[]::new));
          runs.add((System.nanoTime() - t0) / 1e9);
          peak = Math.max(peak, peakRssMb());
          if (code != 0) {
            throw new IllegalStateException(
                "bench: "
                    + command
                    + " exited with "
                    + code
                    + " (run "
                    + r
                    + " of "
                    + repeat
                    + ")");
          }
          if (repeat > 1) {
            System.err.printf("[bench] run %d of %d: %.1f s%n", r, repeat, runs.get(r - 1));
          }
        }
        wall = runs.get(0);
        rows =
            spark.read().format("delta").load(lakehouse.resolve("annotations").toString()).count();
        if (emReference) {
          reference =
              EmReference.measure(
                  spark,
                  lakehouse,
                  passedMethod(),
                  spark.sessionState().conf().numShufflePartitions());
        }
      }
    }
    double probeAfter = HostProbe.millis();
    ObjectNode json = new ObjectMapper().createObjectNode();
    json.put("command", command);
    json.put("annotations", rows);
    json.put("requested_annotations", annotations);
    json.put("seed", seed);
    json.put("format", landingFormat.cliName());
    json.put("wall_s", Math.round(wall * 1000) / 1000.0);
    json.put("rows_per_s", Math.round(rows / wall));
    json.put("peak_rss_mb", peak);
    if (runs.size() > 1) {
      var all = json.putArray("runs_wall_s");
      runs.forEach(w -> all.add(Math.round(w * 1000) / 1000.0));
      json.put("warm_wall_s", Math.round(median(runs.subList(1, runs.size())) * 1000) / 1000.0);
    }
    var probes = json.putArray("host_probe_ms");
    for (double ms : new double[] {probeBefore, probeAfter}) {
      if (Double.isNaN(ms)) {
        probes.addNull(); // the probe could not run (said on stderr)
      } else {
        probes.add(ms);
      }
    }
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    if (reference != null) {
      json.put("em_passes", reference.passes());
      json.put("em_spark_ms_per_pass", Math.round(reference.sparkMsPerPass() * 100) / 100.0);
      json.put(
          "em_plain_java_1_thread_ms_per_pass",
          Math.round(reference.plainMsPerPass() * 100) / 100.0);
      json.put(
          "em_plain_java_all_cores_ms_per_pass",
          Math.round(reference.plainAllCoresMsPerPass() * 100) / 100.0);
      json.put("em_per_core_ratio", Math.round(reference.perCoreRatio() * 100) / 100.0);
      var passes = json.putArray("em_spark_pass_ms");
      reference.sparkPassMillis().forEach(ms -> passes.add(Math.round(ms * 10) / 10.0));
    }
    System.out.println(json);
    return 0;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The --method passed on to the job (default ds). */
  private String passedMethod() {
    for (int i = 0; i < passThrough.size(); i++) {
      String a = passThrough.get(i);
      if (a.startsWith("--method=")) {
        return a.substring("--method=".length());
      }
      if (a.equals("--method") && i + 1 < passThrough.size()) {
        return passThrough.get(i + 1);
      }
    }
    return "ds";
  }

  private static void ensureLanding(
      SparkSession spark, SimulatorSettings settings, LandingFormat format, Path landing)
      throws IOException {
    if (Files.isRegularFile(landing.resolve("_truth/summary.json"))) {
      System.err.println("[bench] using cached input " + landing);
      return;
    }
    deleteRecursively(landing);
    System.err.println("[bench] generating input (cached for later runs) " + landing);
    SimulatedLanding.generate(spark, settings, format, landing.toString(), landing + "/_truth");
  }

  /** Ingests the cached landing files once into a lakehouse later commands run on. */
  private static void ensureIngested(
      GlobalOptions options, Path landing, Path lakehouse, Map<String, Object> overrides)
      throws Exception {
    if (Files.isDirectory(lakehouse.resolve("annotations"))) {
      System.err.println("[bench] using cached lakehouse " + lakehouse);
      return;
    }
    System.err.println("[bench] ingesting input (cached for later runs) into " + lakehouse);
    IngestJob.ingestLanding(options, landing.toString(), overrides);
  }

  /**
   * Writes the simulated operation straight to a lakehouse: gold labels, adjudications and schemas
   * through ingest (small landing files), annotations generated in Spark and typed by ingest's own
   * validation ({@link IngestTransforms#validate}) into silver, without landing files or bronze.
   * Records are clean (bad rate 0) and unique by construction, so there is nothing to reject or
   * deduplicate.
   */
  private static void ensureDirect(
      GlobalOptions options,
      SparkSession spark,
      SimulatorSettings s,
      Path cache,
      Path lakehouse,
      Map<String, Object> overrides)
      throws Exception {
    if (Files.isDirectory(lakehouse.resolve("annotations/_delta_log"))) {
      System.err.println("[bench] using cached lakehouse " + lakehouse);
      return;
    }
    deleteRecursively(lakehouse);
    Path side = cache.resolve("landing-side");
    deleteRecursively(side);
    System.err.println(
        "[bench] writing simulated silver tables (cached for later runs) into " + lakehouse);
    int partitions = SimulatedLanding.partitions(s);
    SimulatedLanding.writeSideFiles(
        spark, s, CrowdSimulator.items(spark, s, partitions), side.toString());
    IngestJob.ingestLanding(
        options,
        side.toString(),
        overrides,
        List.of(RecordKind.SCHEMA, RecordKind.GOLD, RecordKind.ADJUDICATIONS));
    JobShell.run(
        options,
        "ingest",
        Map.of("source", "simulator", "kind", "annotations"),
        overrides,
        (run, progress, config) -> {
          ValidationRules rules =
              ValidationRules.from(
                  config, null, run.context().logicalDate(), run.context().startedAt());
          Timestamp at = Timestamp.from(run.context().startedAt());
          WorkerPool pool = WorkerPool.create(s.effectiveWorkers(), s.classes(), s.seed());
          Dataset<Row> records =
              CrowdSimulator.annotations(run.spark(), s, pool, false, partitions);
          // The shape a landing reader gives: canonical fields as strings plus the source columns.
          List<Column> landing = new java.util.ArrayList<>();
          for (String f : RecordKind.ANNOTATIONS.fields()) {
            landing.add(col(f).cast("string").as(f));
          }
          landing.add(lit("simulator:seed=" + s.seed()).as(Columns.SOURCE_FILE));
          landing.add(monotonically_increasing_id().as(Columns.SOURCE_POSITION));
          landing.add(lit("simulator").as(Columns.SOURCE_FORMAT));
          landing.add(lit(null).cast("string").as(Columns.RAW_RECORD));
          landing.add(lit(false).as(Columns.MALFORMED));
          landing.add(lit(null).cast("string").as(Columns.MALFORMED_DETAIL));
          progress.step("writing silver " + Tables.ANNOTATIONS + " from the simulator");
          Dataset<Row> validated =
              IngestTransforms.validate(
                  records.select(landing.toArray(Column[]::new)),
                  RecordKind.ANNOTATIONS,
                  rules,
                  run.readPinnedIfExists(Tables.LABEL_SCHEMAS),
                  at);
          run.append(
              Tables.ANNOTATIONS,
              IngestTransforms.accepted(validated, RecordKind.ANNOTATIONS)
                  .withColumn(Columns.BATCH_ID, lit("simulator-" + s.seed())),
              s.annotations()); // the requested size (counting would generate everything twice)
          return null;
        });
  }

  /**
   * Runs the jobs the report reads once on the cached lakehouse (their tables are then cached with
   * it).
   */
  private void ensureReportInputs(SparkSession spark, Path lakehouse, SimulatorSettings settings)
      throws Exception {
    long days = PipelineSteps.daysBack(settings, global.logicalDate);
    // a job that succeeded once is cached; one that failed or was stopped runs again
    List<String> done =
        Files.isDirectory(lakehouse.resolve(Tables.PIPELINE_RUNS).resolve("_delta_log"))
            ? spark
                .read()
                .format("delta")
                .load(lakehouse.resolve(Tables.PIPELINE_RUNS).toString())
                .where(col(Columns.STATUS).equalTo(lit("SUCCEEDED")))
                .select(Columns.JOB)
                .distinct()
                .collectAsList()
                .stream()
                .map(r -> r.<String>getAs(Columns.JOB))
                .toList()
            : List.of();
    for (String job : REPORT_INPUTS) {
      if (done.contains(job)) {
        System.err.println("[bench] using the cached tables of " + job + " in " + lakehouse);
        continue;
      }
      System.err.println(
          "[bench] running " + job + " once for the report's inputs (cached for later runs)");
      PipelineSteps.named(job, days).run(global.forJob(lakehouse.toString(), job));
    }
  }

  /** Resets the kernel's peak-RSS mark so the figure covers only the timed part (Linux). */
  static void resetPeakRss() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | RuntimeException e) {
      // not Linux, or not allowed: the figure then covers the whole process
    }
  }

  /** The process's peak resident set size (VmHWM) in MiB, or -1 where /proc is absent. */
  static long peakRssMb() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines
          .filter(l -> l.startsWith("VmHWM:"))
          .findFirst()
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024)
          .orElse(-1L);
    } catch (IOException e) {
      return -1;
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
