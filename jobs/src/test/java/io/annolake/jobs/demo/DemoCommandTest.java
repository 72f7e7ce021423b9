package io.annolake.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void demoIngestsEverythingAndSaysWhereTheTablesAre() throws Exception {
    String root = dir.resolve("lh").toString();
    CliRun run =
        CliRun.of(
            "demo",
            "--annotations",
            "2000",
            "--lakehouse",
            root,
            "--landing",
            dir.resolve("landing").toString());
    assertThat(run.code()).as(run.err()).isZero();
    // a short account: one line per job, then where the tables and the report are
    assertThat(run.out())
        .contains(
            "generate",
            "ingest",
            "worker-quality",
            "agreement",
            "consensus",
            "anomalies",
            "operations",
            "Tables are under",
            "Open the report: ");
    assertThat(run.out().lines().count()).isLessThanOrEqualTo(15);
    String index =
        run.out()
            .substring(run.out().indexOf("Open the report: ") + "Open the report: ".length())
            .trim();
    assertThat(Path.of(index)).exists().hasFileName("index.html");
    // the report is a boundary: with a pseudonym key in the environment (the tests' one) no raw
    // worker id shows
    StringBuilder pages = new StringBuilder();
    try (Stream<Path> files = Files.walk(Path.of(index).getParent())) {
      for (Path page : files.filter(p -> p.toString().endsWith(".html")).toList()) {
        pages.append(Files.readString(page));
      }
    }
    assertThat(pages.toString()).contains("wp_").doesNotContainPattern("\\bw\\d{5}\\b");
    Lakehouse lh = new Lakehouse(SparkTestSession.get(), root, "annolake");
    for (String table : Tables.ALL) {
      // worker_reinstatements: only with --reinstate-file; training_snapshots: only `annolake
      // snapshot`
      if (!table.equals(Tables.WORKER_REINSTATEMENTS) && !table.equals(Tables.TRAINING_SNAPSHOTS)) {
        assertThat(lh.exists(table)).as(table).isTrue();
      }
    }
    // 6 ingests (guidelines and annotators' questions too), worker-quality, agreement, consensus,
    // anomalies, routing, edge-cases, operations, report
    assertThat(lh.read(Tables.PIPELINE_RUNS).where("status = 'SUCCEEDED'").count()).isEqualTo(14);
    assertThat(lh.read(Tables.WORKER_ROUTING).where("rank = 1").count())
        .as("a first worker per class")
        .isPositive();
    // the second project's label schemas choose the three-way rule
    assertThat(lh.read(Tables.CONSENSUS_LABELS).where("decision = 'MAJORITY'").count())
        .isPositive();
    assertThat(
            lh.read(Tables.CONSENSUS_LABELS)
                .where("decision_policy = 'votes' AND decision = 'ACCEPTED'")
                .count())
        .isZero();
    // the simulator's mid-way guideline change leaves items waiting for relabeling
    assertThat(lh.read(Tables.GUIDELINES).count()).isEqualTo(8);
    // the simulated questions: some left open, some answered by an expert (and folded into v2)
    assertThat(run.out()).contains("edge-cases");
    assertThat(lh.read(Tables.ANNOTATOR_QUESTIONS).count()).isPositive();
    assertThat(
            lh.read(Tables.EDGE_CASES)
                .select("status")
                .distinct()
                .as(Encoders.STRING())
                .collectAsList())
        .contains("OPEN", "RESOLVED", "FOLDED");
    assertThat(lh.read(Tables.RELABEL_QUEUE).count())
        .isEqualTo(lh.read(Tables.CONSENSUS_LABELS).where("decision = 'PENDING_RELABEL'").count())
        .isPositive();
  }
}
