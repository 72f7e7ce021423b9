package io.annolake.jobs.edgecase;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ingest --kind flag, then edge-cases: provenance, the logical-date cutoff, a project's slice. */
class EdgeCasesJobTest {
  @TempDir Path dir;

  @Test
  void questionsBecomeCasesCutAtTheLogicalDateAndAProjectRunKeepsTheOthers() throws Exception {
    String root = dir.resolve("lh").toString();
    Path flags = dir.resolve("flags.jsonl");
    Files.writeString(
        flags,
        String.join(
            "\n",
            "{\"project\":\"p1\",\"item\":\"i1\",\"annotator\":\"w1\",\"comment\":\"van?\",\"created_at\":\"2026-01-06T10:00:00Z\"}",
            "{\"project_id\":\"p2\",\"item_id\":\"i1\",\"worker_id\":\"w2\",\"question_text\":\"car?\",\"raised_at\":\"2026-01-06T11:00:00Z\"}",
            // raised after the logical date of the first run: not seen by it
            "{\"project_id\":\"p1\",\"item_id\":\"i2\",\"worker_id\":\"w3\",\"question_text\":\"bus?\",\"raised_at\":\"2026-01-12T11:00:00Z\"}",
            "{\"project_id\":\"p1\",\"item_id\":\"i3\",\"worker_id\":\"w3\"}",
            ""));
    CliRun ingest =
        CliRun.ok(
            "ingest",
            "--lakehouse",
            root,
            "--source",
            flags.toString(),
            "--kind",
            "flag",
            "--logical-date",
            "2026-01-12");
    assertThat(ingest.out()).contains("MISSING_REQUIRED_FIELD");

    CliRun first =
        CliRun.ok(
            "edge-cases",
            "--lakehouse",
            root,
            "--logical-date",
            "2026-01-10",
            "--run-id",
            "edge-1");
    assertThat(first.out()).contains("edge-cases: 2 edge_cases rows {OPEN=2}");
    Lakehouse lh = new Lakehouse(SparkTestSession.get(), root, "annolake");
    assertThat(lh.read(Tables.EDGE_CASES).where(col("run_id").equalTo("edge-1")).count())
        .isEqualTo(2);
    assertThat(lh.partitionColumns(Tables.EDGE_CASES)).containsExactly("project_id");

    CliRun.ok(
        "edge-cases",
        "--lakehouse",
        root,
        "--project",
        "p1",
        "--logical-date",
        "2026-01-13",
        "--run-id",
        "edge-2");
    Map<String, String> runs = new HashMap<>();
    for (Row r :
        lh.read(Tables.EDGE_CASES).select("item_id", "project_id", "run_id").collectAsList()) {
      runs.put(r.getString(1) + "/" + r.getString(0), r.getString(2));
    }
    assertThat(runs)
        .as("p1 recomputed with the question of Jan 12; p2 kept from the first run")
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("p1/i1", "edge-2", "p1/i2", "edge-2", "p2/i1", "edge-1"));
  }
}
