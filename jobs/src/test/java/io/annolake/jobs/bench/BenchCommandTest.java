package io.annolake.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annolake.jobs.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// The benchmark harness over generated lakehouses (about 90 s in all): with the trials, out of the
// everyday suite; .ci/run runs it.
@Tag("trial")
class BenchCommandTest {
  /** One cache for the class: the consensus tests share the simulated, ingested lakehouse. */
  @TempDir static Path dir;

  @Test
  void printsOneJsonObjectWithTheFiguresAndCachesItsInput() throws Exception {
    String[] args = {"bench", "ingest", "--annotations", "1200", "--cache-dir", dir.toString()};
    CliRun first = CliRun.of(args);
    assertThat(first.code()).isZero();
    String line =
        first.out().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("command").asText()).isEqualTo("ingest");
    assertThat(json.get("annotations").asLong()).isBetween(1100L, 1300L);
    assertThat(json.get("wall_s").asDouble()).isPositive();
    assertThat(json.get("rows_per_s").asLong()).isPositive();
    assertThat(json.get("peak_rss_mb").asLong()).isPositive();
    // The host's speed before and after, so runs on a busier host can be told apart.
    assertThat(json.get("host_probe_ms")).hasSize(2);
    assertThat(json.get("host_probe_ms").get(0).asDouble()).isPositive();
    assertThat(json.get("host_probe_ms").get(1).asDouble()).isPositive();
    CliRun second = CliRun.of(args);
    assertThat(second.code()).isZero();
    assertThat(second.err()).contains("using cached input");
  }

  @Test
  void measuresAJobOnACachedIngestedLakehouseAndPassesItsOptions() throws Exception {
    CliRun run =
        CliRun.of(
            "bench",
            "consensus",
            "--annotations",
            "1200",
            "--cache-dir",
            dir.toString(),
            "--method",
            "ds",
            "--em-reference",
            "--repeat",
            "2");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("consensus ds");
    String line =
        run.out().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("command").asText()).isEqualTo("consensus");
    assertThat(json.get("annotations").asLong()).isBetween(1000L, 1300L);
    assertThat(json.get("wall_s").asDouble()).isPositive();
    // Two runs in one JVM: both timed, the first is wall_s, the second the warm figure.
    assertThat(json.get("runs_wall_s")).hasSize(2);
    assertThat(json.get("runs_wall_s").get(0).asDouble()).isEqualTo(json.get("wall_s").asDouble());
    assertThat(json.get("warm_wall_s").asDouble())
        .isEqualTo(json.get("runs_wall_s").get(1).asDouble());
    assertThat(run.out()).containsOnlyOnce("{\"command\"");
    // The same EM passes in Spark and in one plain-Java thread, and their per-core ratio.
    assertThat(json.get("em_passes").asInt()).isPositive();
    assertThat(json.get("em_plain_java_1_thread_ms_per_pass").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(json.get("em_per_core_ratio").asDouble()).isPositive();
    // Every measured Spark pass is listed (the initial one too), after a warm-up round.
    assertThat(json.get("em_spark_pass_ms")).hasSize(json.get("em_passes").asInt() + 1);
    assertThat(run.err())
        .contains("EM reference, warm-up round")
        .contains("EM reference, measured round");
  }

  @Test
  void rejectsARepeatBelowOneNamingTheOption() {
    CliRun run =
        CliRun.of(
            "bench",
            "agreement",
            "--annotations",
            "1200",
            "--cache-dir",
            dir.toString(),
            "--repeat",
            "0");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--repeat");
  }

  @Test
  void directSetupWritesSilverWithTheSchemaIngestionGives() throws Exception {
    CliRun ingested =
        CliRun.of(
            "bench",
            "consensus",
            "--annotations",
            "1200",
            "--cache-dir",
            dir.toString(),
            "--method",
            "mv");
    assertThat(ingested.code()).as(ingested.err()).isZero();
    CliRun direct =
        CliRun.of(
            "bench",
            "consensus",
            "--annotations",
            "1200",
            "--cache-dir",
            dir.toString(),
            "--method",
            "mv",
            "--direct");
    assertThat(direct.code()).as(direct.err()).isZero();
    assertThat(direct.out()).contains("consensus mv");
    var spark = io.annolake.common.testing.SparkTestSession.get();
    var viaIngest =
        spark
            .read()
            .format("delta")
            .load(dir.resolve("n1200-s42-parquet/lakehouse/annotations").toString());
    var viaDirect =
        spark
            .read()
            .format("delta")
            .load(dir.resolve("n1200-s42-direct/lakehouse/annotations").toString());
    assertThat(viaDirect.schema()).isEqualTo(viaIngest.schema());
    assertThat(viaDirect.count()).isBetween(1100L, 1300L);
    for (String table : java.util.List.of("gold_labels", "adjudications", "label_schemas")) {
      assertThat(
              spark
                  .read()
                  .format("delta")
                  .load(dir.resolve("n1200-s42-direct/lakehouse/" + table).toString())
                  .count())
          .as(table)
          .isPositive();
    }
  }
}
