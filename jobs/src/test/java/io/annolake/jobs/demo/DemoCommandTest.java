package io.annolake.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void demoIngestsEverythingAndSaysWhereTheTablesAre() {
    String root = dir.resolve("lh").toString();
    CliRun run = CliRun.of("demo", "--annotations", "2000", "--lakehouse", root, "--landing", dir.resolve("landing").toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("Tables under", "annotations", "Rejected records by reason", "annolake demo finished", "consensus", "agreement");
    Lakehouse lh = new Lakehouse(SparkTestSession.get(), root, "annolake");
    for (String table : Tables.ALL) {
      if (!table.equals(Tables.WORKER_REINSTATEMENTS)) { // only with --reinstate-file
        assertThat(lh.exists(table)).as(table).isTrue();
      }
    }
    // 5 ingests (guidelines too), worker-quality, agreement, consensus, anomalies, consensus again (flags act), routing
    assertThat(lh.read(Tables.PIPELINE_RUNS).where("status = 'SUCCEEDED'").count()).isEqualTo(11);
    assertThat(lh.read(Tables.WORKER_ROUTING).where("rank = 1").count()).as("a first worker per class").isPositive();
    // At 2,000 answers the simulator raises no flag that acts by default (none of HIGH duplicates, collusion,
    // too-fast, bursts): the second consensus run must leave every answer in (FlagExclusionsTest covers acting flags).
    assertThat(lh.read(Tables.CONSENSUS_LABELS).where("size(flagged_annotations) > 0").count()).isZero();
    // the second project's label schemas choose the three-way rule
    assertThat(lh.read(Tables.CONSENSUS_LABELS).where("decision = 'MAJORITY'").count()).isPositive();
    assertThat(lh.read(Tables.CONSENSUS_LABELS).where("decision_policy = 'votes' AND decision = 'ACCEPTED'").count()).isZero();
    // the simulator's mid-way guideline change leaves items waiting for relabeling
    assertThat(lh.read(Tables.GUIDELINES).count()).isEqualTo(8);
    assertThat(lh.read(Tables.RELABEL_QUEUE).count())
        .isEqualTo(lh.read(Tables.CONSENSUS_LABELS).where("decision = 'PENDING_RELABEL'").count()).isPositive();
  }
}
