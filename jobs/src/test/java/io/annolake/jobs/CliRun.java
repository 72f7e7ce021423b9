package io.annolake.jobs;

import io.annolake.common.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.api.Assertions;

/** Runs the CLI in the test JVM (on the shared SparkSession) and captures its output. */
public record CliRun(int code, String out, String err) {

  public static synchronized CliRun of(String... args) {
    SparkTestSession.get();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = AnnolakeCli.execute(args);
    } finally {
      System.out.flush();
      System.err.flush();
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    CliRun run =
        new CliRun(
            code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    oldOut.print(run.out);
    oldErr.print(run.err);
    return run;
  }

  /** Runs the CLI and fails the test, showing its stderr, unless it exits 0. */
  public static CliRun ok(String... args) {
    CliRun run = of(args);
    Assertions.assertThat(run.code()).as(run.err()).isZero();
    return run;
  }

  /** Ingests a {@code generate} landing folder in dependency order: schemas, gold, annotations. */
  public static void ingestSimulated(String landing, String lakehouse, String logicalDate) {
    for (List<String> kind :
        List.of(
            List.of("schemas", "schema"),
            List.of("gold", "gold"),
            List.of("annotations", "annotations"))) {
      ok(
          "ingest",
          "--lakehouse",
          lakehouse,
          "--source",
          landing + "/" + kind.get(0),
          "--kind",
          kind.get(1),
          "--logical-date",
          logicalDate);
    }
  }
}
