package io.annolake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages: 0 ok, 1 job failure, 2 usage or configuration error. */
class AnnolakeCliTest {
  @TempDir Path dir;

  @Test
  void everyCommandHasHelp() {
    for (String command :
        List.of("demo", "generate", "ingest", "worker-quality", "export", "bench")) {
      CliRun run = CliRun.of(command, "--help");
      assertThat(run.code()).as(command).isZero();
      assertThat(run.out())
          .as(command)
          .contains("Usage: annolake " + command)
          .contains("--lakehouse")
          .contains("--logical-date");
    }
    assertThat(CliRun.of("--help").out()).contains("ingest", "generate", "export", "demo", "bench");
  }

  @Test
  void usageErrorsExitTwoAndNameTheOption() {
    assertThat(CliRun.of().code()).isEqualTo(2);
    assertThat(CliRun.of("frobnicate").code()).isEqualTo(2);
    CliRun missing = CliRun.of("ingest");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--source");
    CliRun badDate =
        CliRun.of("ingest", "--source", dir.toString(), "--logical-date", "2026-13-01");
    assertThat(badDate.code()).isEqualTo(2);
    assertThat(badDate.err()).contains("--logical-date");
  }

  @Test
  void badOptionValuesExitTwoAndNameTheOption() {
    String lakehouse = dir.resolve("lh").toString();
    CliRun kind =
        CliRun.of(
            "ingest", "--lakehouse", lakehouse, "--source", dir.toString(), "--kind", "votes");
    assertThat(kind.code()).isEqualTo(2);
    assertThat(kind.err()).contains("'--kind'");
    CliRun source =
        CliRun.of(
            "ingest", "--lakehouse", lakehouse, "--source", dir.resolve("missing").toString());
    assertThat(source.code()).isEqualTo(2);
    assertThat(source.err()).contains("'--source'");
    CliRun format = CliRun.of("generate", "--out", dir.resolve("g").toString(), "--format", "xml");
    assertThat(format.code()).isEqualTo(2);
    assertThat(format.err()).contains("'--format'");
    CliRun size = CliRun.of("generate", "--out", dir.resolve("g").toString(), "--classes", "1");
    assertThat(size.code()).isEqualTo(2);
    assertThat(size.err()).contains("'--classes'");
    CliRun table =
        CliRun.of(
            "export",
            "--lakehouse",
            lakehouse,
            "--table",
            "nope",
            "--out",
            dir.resolve("x.csv").toString());
    assertThat(table.code()).isEqualTo(2);
    assertThat(table.err()).contains("'--table'");
    CliRun bench = CliRun.of("bench", "fly", "--annotations", "10");
    assertThat(bench.code()).isEqualTo(2);
    assertThat(bench.err()).contains("COMMAND");
  }

  @Test
  void badConfigurationExitsTwoAndNamesTheKey() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "annolake.ingest.max-duraton = 2h\n");
    CliRun unknown = CliRun.of("ingest", "--conf", conf.toString(), "--source", dir.toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("annolake.ingest.max-duraton");
    Files.writeString(conf, "annolake.ingest.max-duration = forever\n");
    Files.writeString(dir.resolve("a.csv"), "item,worker,label\ni,w,l\n");
    CliRun type =
        CliRun.of(
            "ingest",
            "--conf",
            conf.toString(),
            "--lakehouse",
            dir.resolve("lh2").toString(),
            "--source",
            dir.resolve("a.csv").toString(),
            "--project",
            "p");
    assertThat(type.code()).isEqualTo(2);
    assertThat(type.err()).contains("annolake.ingest.max-duration");
    CliRun missing =
        CliRun.of(
            "ingest", "--conf", dir.resolve("nope.conf").toString(), "--source", dir.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--conf");
  }

  @Test
  void aJobFailureExitsOne() throws Exception {
    // a poison file no longer fails ingest (it is a rejected file, BadInputCorpusTest); a job whose
    // input table does not exist does
    CliRun run = CliRun.of("consensus", "--lakehouse", dir.resolve("lh3").toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("job failed");
  }
}
