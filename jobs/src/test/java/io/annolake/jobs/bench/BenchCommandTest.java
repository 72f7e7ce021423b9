package io.annolake.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annolake.jobs.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
  @TempDir Path dir;

  @Test
  void printsOneJsonObjectWithTheFiguresAndCachesItsInput() throws Exception {
    String[] args = {"bench", "ingest", "--annotations", "1200", "--cache-dir", dir.toString()};
    CliRun first = CliRun.of(args);
    assertThat(first.code()).isZero();
    String line = first.out().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("command").asText()).isEqualTo("ingest");
    assertThat(json.get("annotations").asLong()).isBetween(1100L, 1300L);
    assertThat(json.get("wall_s").asDouble()).isPositive();
    assertThat(json.get("rows_per_s").asLong()).isPositive();
    assertThat(json.get("peak_rss_mb").asLong()).isPositive();
    CliRun second = CliRun.of(args);
    assertThat(second.code()).isZero();
    assertThat(second.err()).contains("using cached input");
  }

  @Test
  void measuresAJobOnACachedIngestedLakehouseAndPassesItsOptions() throws Exception {
    CliRun run = CliRun.of("bench", "consensus", "--annotations", "1200", "--cache-dir", dir.toString(), "--method", "mv");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("consensus mv");
    String line = run.out().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("command").asText()).isEqualTo("consensus");
    assertThat(json.get("annotations").asLong()).isBetween(1000L, 1300L);
    assertThat(json.get("wall_s").asDouble()).isPositive();
  }
}
