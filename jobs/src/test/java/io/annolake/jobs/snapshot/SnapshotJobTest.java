package io.annolake.jobs.snapshot;

import static io.annolake.jobs.CliRun.ok;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.snapshot.TrainingSnapshot;
import io.annolake.common.testing.ContractCheck;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * snapshot end to end through the CLI: reproducible takes, the files and manifest, and every bad
 * argument.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnapshotJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SparkSession spark = SparkTestSession.get();
  @TempDir static Path dir;
  private String root;
  private long firstVersion;

  /**
   * Two projects of three answers per item: unanimous items (AUTO_APPROVED) and 2-to-1 ones
   * (ESCALATED under mv).
   */
  @BeforeAll
  void lakehouse() throws IOException {
    root = dir.resolve("lh").toString();
    ok("ingest", "--lakehouse", root, "--source", answers("first.csv", 0, 12).toString());
    ok("consensus", "--lakehouse", root, "--method", "mv");
    firstVersion = new Lakehouse(spark, root, "annolake").version(Tables.CONSENSUS_LABELS);
  }

  private Path answers(String name, int from, int to) throws IOException {
    StringBuilder csv = new StringBuilder("project_id,item,worker,label\n");
    for (String project : List.of("p", "q")) {
      for (int i = from; i < to; i++) {
        for (String w : List.of("w1", "w2", "w3")) {
          String label = i % 3 == 0 && w.equals("w3") ? "b \"quoted\", with comma" : "a";
          csv.append(project)
              .append(",it")
              .append(i)
              .append(',')
              .append(w)
              .append(",\"")
              .append(label.replace("\"", "\"\""))
              .append("\"\n");
        }
      }
    }
    return Files.writeString(dir.resolve(name), csv);
  }

  private JsonNode manifest(Path out) throws IOException {
    return JSON.readTree(out.resolve("manifest.json").toFile());
  }

  private CliRun snapshot(Path out, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("snapshot", "--lakehouse", root, "--project", "p", "--out", out.toString()));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void sameAsOfGivesSameRowsAndHashAfterMoreDataArrived() throws IOException {
    String v = String.valueOf(firstVersion);
    Path a = dir.resolve("a");
    assertThat(
            snapshot(
                    a,
                    "--as-of-version",
                    v,
                    "--format",
                    "csv",
                    "--decisions",
                    "AUTO_APPROVED,ESCALATED")
                .code())
        .isZero();
    JsonNode first = manifest(a);
    assertThat(first.get("row_count").asLong()).isEqualTo(12);
    assertThat(first.get("tables_read").get(Tables.CONSENSUS_LABELS).get("version").asLong())
        .isEqualTo(firstVersion);
    assertThat(first.get("consensus_run_ids")).hasSize(1);
    assertThat(first.get("label_distribution").get("default").get("a").asLong()).isEqualTo(12);
    assertThat(first.get("content_hash").asText()).startsWith("sha256:").hasSize(7 + 64);
    List<String> lines = Files.readAllLines(a.resolve("labels.csv"));
    assertThat(lines.get(0)).isEqualTo(String.join(",", TrainingSnapshot.COLUMNS));
    assertThat(lines).hasSize(13);
    // RFC 4180: quotes inside a quoted field are doubled, never backslash-escaped
    assertThat(String.join("\n", lines))
        .contains("\"\"label\"\":\"\"b \\\"\"quoted\\\"\", with comma\"\"")
        .doesNotContain("\\\"label");

    ok("ingest", "--lakehouse", root, "--source", answers("more.csv", 12, 20).toString());
    ok("consensus", "--lakehouse", root, "--method", "mv");
    Path b = dir.resolve("b");
    assertThat(
            snapshot(
                    b,
                    "--as-of-version",
                    v,
                    "--format",
                    "csv",
                    "--decisions",
                    "ESCALATED,AUTO_APPROVED")
                .code())
        .isZero();
    assertThat(manifest(b).get("content_hash")).isEqualTo(first.get("content_hash"));
    assertThat(Files.readAllLines(b.resolve("labels.csv"))).isEqualTo(lines);
    assertThat(manifest(b).get("snapshot_id")).isNotEqualTo(first.get("snapshot_id"));
    assertThat(ContractCheck.differences(new Lakehouse(spark, root, "annolake"))).isEmpty();
    // pipeline_runs records the version read, not the latest: the run's inputs are its provenance
    Row run =
        new Lakehouse(spark, root, "annolake")
            .read(Tables.PIPELINE_RUNS)
            .where(
                col("job")
                    .equalTo(lit("snapshot"))
                    .and(col("status").equalTo(lit("SUCCEEDED")))
                    .and(col("params").getItem("out").equalTo(lit(b.toString()))))
            .select(col("inputs").getItem(Tables.CONSENSUS_LABELS))
            .first();
    assertThat(run.getLong(0)).isEqualTo(firstVersion);

    // the content hash does not depend on the file format
    Path c = dir.resolve("c");
    assertThat(
            snapshot(
                    c,
                    "--as-of-version",
                    v,
                    "--format",
                    "jsonl",
                    "--decisions",
                    "AUTO_APPROVED,ESCALATED")
                .code())
        .isZero();
    assertThat(manifest(c).get("content_hash")).isEqualTo(first.get("content_hash"));
    assertThat(spark.read().json(c.resolve("labels.jsonl").toString()).count()).isEqualTo(12);

    Path latest = dir.resolve("latest");
    assertThat(snapshot(latest, "--decisions", "AUTO_APPROVED,ESCALATED").code()).isZero();
    assertThat(manifest(latest).get("row_count").asLong()).isEqualTo(20);
    assertThat(manifest(latest).get("content_hash")).isNotEqualTo(first.get("content_hash"));
    assertThat(spark.read().parquet(latest.resolve("labels.parquet").toString()).count())
        .isEqualTo(20);

    List<String> registered =
        new Lakehouse(spark, root, "annolake")
            .read(Tables.TRAINING_SNAPSHOTS)
            .select("content_hash")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertThat(registered)
        .contains(
            first.get("content_hash").asText(), manifest(latest).get("content_hash").asText());
  }

  @Test
  void badArgumentsExitTwoNamingTheOption() throws IOException {
    Path out = dir.resolve("bad");
    expectUsage(
        CliRun.of("snapshot", "--lakehouse", root, "--project", "nope", "--out", out.toString()),
        "'--project'");
    expectUsage(snapshot(out, "--step", "nope"), "'--step'");
    expectUsage(snapshot(out, "--decisions", "NOPE"), "'--decisions'");
    expectUsage(snapshot(out, "--min-confidence", "1.5"), "'--min-confidence'");
    // no gold was ingested: the selection is empty
    expectUsage(snapshot(out, "--decisions", "GOLD"), "--decisions GOLD")
        .contains("Empty selection");
    expectUsage(snapshot(out, "--as-of-version", "999"), "'--as-of-version'");
    expectUsage(
            snapshot(out, "--as-of-version", "0", "--as-of-timestamp", "2026-01-01"),
            "'--as-of-version'")
        .contains("'--as-of-timestamp'");
    expectUsage(snapshot(out, "--as-of-timestamp", "2000-01-01"), "'--as-of-timestamp'")
        .contains("before the first commit");
    expectUsage(snapshot(out, "--as-of-timestamp", "2999-01-01"), "'--as-of-timestamp'")
        .contains("future");
    expectUsage(snapshot(out, "--as-of-timestamp", "yesterday"), "'--as-of-timestamp'");
    expectUsage(snapshot(out, "--format", "xml"), "'--format'");
    assertThat(out.resolve("manifest.json")).doesNotExist();

    // a copy of the table whose first version has been vacuumed away
    Path copy = dir.resolve("vacuumed");
    copyTree(Path.of(root).resolve(Tables.CONSENSUS_LABELS), copy.resolve(Tables.CONSENSUS_LABELS));
    DeltaTable.forPath(spark, copy.resolve(Tables.CONSENSUS_LABELS).toString()).delete();
    spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    try {
      DeltaTable.forPath(spark, copy.resolve(Tables.CONSENSUS_LABELS).toString()).vacuum(0);
    } finally {
      spark.conf().unset("spark.databricks.delta.retentionDurationCheck.enabled");
    }
    CliRun vacuumed =
        CliRun.of(
            "snapshot",
            "--lakehouse",
            copy.toString(),
            "--project",
            "p",
            "--as-of-version",
            "0",
            "--out",
            out.toString());
    expectUsage(vacuumed, "'--as-of-version'").contains("vacuumed");
  }

  private static org.assertj.core.api.AbstractStringAssert<?> expectUsage(
      CliRun run, String option) {
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    return assertThat(run.err()).contains(option);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }
}
