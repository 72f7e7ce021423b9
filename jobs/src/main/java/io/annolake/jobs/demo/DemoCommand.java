package io.annolake.jobs.demo;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.io.LandingFormat;
import io.annolake.common.schema.Tables;
import io.annolake.common.simulate.SimulatorSettings;
import io.annolake.jobs.GlobalOptions;
import io.annolake.jobs.JobShell;
import io.annolake.jobs.generate.GenerateJob;
import io.annolake.jobs.ingest.IngestJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code annolake demo}: a small simulated operation generated, ingested and run through every job,
 * ending with where the tables are and a short summary. The README's first command.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Generates a small operation (about 20k annotations) into a temporary landing folder,",
      "ingests it, runs every job (worker-quality, agreement, consensus, anomalies), and prints where the",
      "tables are and a short summary."
    })
public final class DemoCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Option(names = "--annotations", defaultValue = "20000", description = "Annotation records (default: ${DEFAULT-VALUE}).")
  long annotations;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--landing", paramLabel = "DIR", description = "Landing folder (default: a new temporary folder).")
  Path landing;

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    JobShell.Env env = JobShell.open(global, Map.of());
    Path dir = landing != null ? landing : Files.createTempDirectory("annolake-demo-");
    String out = dir.toAbsolutePath().toString();
    SimulatorSettings simulated = SimulatorSettings.defaults(annotations, seed);
    GenerateJob.Result generated =
        GenerateJob.generate(env.spark(), simulated, LandingFormat.JSON, out, out + "/_truth");
    System.out.println(generated);

    for (IngestJob.Result result : IngestJob.ingestLanding(global, out, Map.of())) {
      System.out.println(result);
    }

    // Every later job, through the CLI in this JVM: same options, same summaries as users see. Consensus
    // runs again after anomalies: flags act on the next fit (docs/OPERATIONS-MODEL.md, "Flags that act").
    List<String> jobs = List.of("worker-quality", "agreement", "consensus", "anomalies", "consensus", "routing");
    for (int j = 0; j < jobs.size(); j++) {
      String job = jobs.get(j);
      List<String> args = new java.util.ArrayList<>(List.of(job));
      if (global.conf != null) {
        args.addAll(List.of("--conf", global.conf.toString()));
      }
      if (global.lakehouse != null) {
        args.addAll(List.of("--lakehouse", global.lakehouse));
      }
      if (global.logicalDate != null) {
        args.addAll(List.of("--logical-date", global.logicalDate.toString()));
      }
      if (global.runId != null) {
        args.addAll(List.of("--run-id", global.runId + "-" + job + (j == 4 ? "-after-flags" : "")));
      }
      if (job.equals("anomalies")) {
        // The window reaches back to the simulated operation, which starts on a fixed date.
        java.time.LocalDate logical = global.logicalDate != null ? global.logicalDate : java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        long days = java.time.temporal.ChronoUnit.DAYS.between(simulated.startDate(), logical) + 1;
        args.addAll(List.of("--window-days", String.valueOf(Math.max(days, simulated.days()))));
      }
      int code = io.annolake.jobs.AnnolakeCli.execute(args.toArray(String[]::new));
      if (code != 0) {
        throw new IllegalStateException("demo: " + job + " failed with exit code " + code);
      }
    }

    printTables(env.lakehouse());
    System.out.printf(
        "%nannolake demo finished in %.1f s. Landing files: %s (hidden truth in %s/_truth)%n",
        (System.nanoTime() - started) / 1e9, out, out);
    return 0;
  }

  private static void printTables(Lakehouse lakehouse) {
    System.out.printf("%nTables under %s (catalog database '%s'):%n", lakehouse.root(), lakehouse.database());
    System.out.printf("  %-24s %8s %12s%n", "table", "version", "rows");
    for (String table : Tables.ALL) {
      if (lakehouse.exists(table)) {
        System.out.printf("  %-24s %8d %,12d%n", table, lakehouse.version(table), lakehouse.read(table).count());
      }
    }
    List<org.apache.spark.sql.Row> reasons =
        lakehouse.exists(Tables.REJECTED_RECORDS)
            ? lakehouse.read(Tables.REJECTED_RECORDS).groupBy("record_kind", "reason_code").count().orderBy("record_kind", "reason_code").collectAsList()
            : List.of();
    if (!reasons.isEmpty()) {
      System.out.println("\nRejected records by reason:");
      reasons.forEach(r -> System.out.printf("  %-14s %-24s %,8d%n", r.getString(0), r.getString(1), r.getLong(2)));
    }
    System.out.printf(
        "%nQuery them from Spark SQL, e.g.: SELECT * FROM %s LIMIT 10%n", lakehouse.qualified(Tables.ANNOTATIONS));
  }
}
