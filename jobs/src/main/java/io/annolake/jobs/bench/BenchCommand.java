package io.annolake.jobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annolake.common.config.ConfigException;
import io.annolake.common.io.LandingFormat;
import io.annolake.common.schema.RecordKind;
import io.annolake.common.simulate.SimulatorSettings;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import io.annolake.jobs.generate.GenerateJob;
import io.annolake.jobs.ingest.IngestJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
      "wall_s, rows_per_s, peak_rss_mb (the process's peak resident memory during the timed part).",
      "COMMAND: generate, ingest, or a job run on an ingested lakehouse (worker-quality, agreement,",
      "consensus, compare-methods, anomalies); options after COMMAND that bench does not know are passed to it,",
      "e.g. 'bench consensus --annotations 1000000 --method ds'. Inputs (landing files and the",
      "ingested lakehouse) are generated once per size, seed and format and cached."
    })
public final class BenchCommand implements Callable<Integer> {
  static final List<String> COMMANDS =
      List.of("generate", "ingest", "worker-quality", "agreement", "consensus", "compare-methods", "anomalies");

  @Mixin GlobalOptions global;

  @Parameters(index = "0", paramLabel = "COMMAND", description = "The command to measure.")
  String command;

  @picocli.CommandLine.Unmatched List<String> passThrough = new java.util.ArrayList<>();

  @Option(names = "--annotations", required = true, paramLabel = "N", description = "Simulated annotation records.")
  long annotations;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--format", defaultValue = "parquet", description = "Landing format (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--cache-dir", defaultValue = ".bench-cache", paramLabel = "DIR", description = "Where generated inputs are cached (default: ${DEFAULT-VALUE}).")
  Path cacheDir;

  @Override
  public Integer call() throws Exception {
    if (!COMMANDS.contains(command)) {
      throw new ConfigException("Invalid value '" + command + "' for COMMAND: expected one of " + COMMANDS);
    }
    LandingFormat landingFormat = LandingFormat.parse(format);
    // Benchmarks use a per-session catalog: their lakehouses are throwaway.
    Map<String, Object> overrides = Map.of("annolake.lakehouse.catalog", "in-memory", "annolake.progress.interval-seconds", 10);
    SparkSession spark = JobShell.open(global, overrides).spark();
    SimulatorSettings settings = SimulatorSettings.defaults(annotations, seed);
    Path cache = cacheDir.toAbsolutePath().resolve("n" + annotations + "-s" + seed + "-" + landingFormat.cliName());
    Path landing = cache.resolve("landing");

    long rows;
    double wall;
    long peak;
    switch (command) {
      case "generate" -> {
        Path target = cache.resolve("generate-run");
        resetPeakRss();
        long t0 = System.nanoTime();
        rows = GenerateJob.generate(spark, settings, landingFormat, target.toString(), target + "/_truth").records();
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
        IngestJob.Result result =
            JobShell.run(
                options, "ingest", Map.of("source", landing + "/annotations"), overrides,
                (run, progress, config) ->
                    IngestJob.ingest(run, progress, config, landing + "/annotations", RecordKind.ANNOTATIONS, null, null));
        wall = (System.nanoTime() - t0) / 1e9;
        peak = peakRssMb();
        rows = result.read();
        deleteRecursively(lakehouse);
      }
      default -> {
        ensureLanding(spark, settings, landingFormat, landing);
        Path lakehouse = cache.resolve("lakehouse");
        ensureIngested(global.forJob(lakehouse.toString(), "setup"), landing, lakehouse, overrides);
        List<String> args = new java.util.ArrayList<>(List.of(command, "--lakehouse", lakehouse.toString()));
        args.addAll(passThrough);
        resetPeakRss();
        long t0 = System.nanoTime();
        int code = io.annolake.jobs.AnnolakeCli.execute(args.toArray(String[]::new));
        wall = (System.nanoTime() - t0) / 1e9;
        peak = peakRssMb();
        if (code != 0) {
          throw new IllegalStateException("bench: " + command + " exited with " + code);
        }
        rows = spark.read().format("delta").load(lakehouse.resolve("annotations").toString()).count();
      }
    }
    ObjectNode json = new ObjectMapper().createObjectNode();
    json.put("command", command);
    json.put("annotations", rows);
    json.put("requested_annotations", annotations);
    json.put("seed", seed);
    json.put("format", landingFormat.cliName());
    json.put("wall_s", Math.round(wall * 1000) / 1000.0);
    json.put("rows_per_s", Math.round(rows / wall));
    json.put("peak_rss_mb", peak);
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    System.out.println(json);
    return 0;
  }

  private static void ensureLanding(SparkSession spark, SimulatorSettings settings, LandingFormat format, Path landing)
      throws IOException {
    if (Files.isRegularFile(landing.resolve("_truth/summary.json"))) {
      System.err.println("[bench] using cached input " + landing);
      return;
    }
    deleteRecursively(landing);
    System.err.println("[bench] generating input (cached for later runs) " + landing);
    GenerateJob.generate(spark, settings, format, landing.toString(), landing + "/_truth");
  }

  /** Ingests the cached landing files once into a lakehouse later commands run on. */
  private static void ensureIngested(GlobalOptions options, Path landing, Path lakehouse, Map<String, Object> overrides)
      throws Exception {
    if (Files.isDirectory(lakehouse.resolve("annotations"))) {
      System.err.println("[bench] using cached lakehouse " + lakehouse);
      return;
    }
    System.err.println("[bench] ingesting input (cached for later runs) into " + lakehouse);
    IngestJob.ingestLanding(options, landing.toString(), overrides);
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
