package io.annolake.jobs;

import static io.annolake.jobs.CliRun.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.ContractCheck;
import io.annolake.common.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Project ids that look alike or carry SQL: a run for one project never reads or replaces another
 * project's rows (project filters are Column expressions; Spark 3.5 reads 'o''brien' as 'obrien').
 */
class ProjectIsolationTest {
  private static final List<String> PROJECTS =
      List.of("obrien", "o'brien", "a\\'b", "x' OR '1'='1");
  private static final String DATE = "2026-01-10";
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aRunForOneProjectLeavesLookAlikeProjectsUntouched(@TempDir Path dir) throws Exception {
    String root = dir.resolve("lh").toString();
    StringBuilder answers =
        new StringBuilder("annotation_id,project_id,item_id,worker_id,label,submitted_at\n");
    StringBuilder gold = new StringBuilder("project_id,item_id,label\n");
    StringBuilder questions =
        new StringBuilder("project_id,item_id,worker_id,question_text,raised_at\n");
    int id = 0;
    for (String p : PROJECTS) {
      for (int item = 0; item < 6; item++) {
        for (int w = 0; w < 3; w++) {
          String label = (item + (w == 2 && item % 3 == 0 ? 1 : 0)) % 2 == 0 ? "cat" : "dog";
          answers.append(
              String.format(
                  "a%d,%s,i%d,w%d,%s,2026-01-09T10:%02d:00Z%n", id++, csv(p), item, w, label, w));
        }
        gold.append(String.format("%s,i%d,%s%n", csv(p), item, item % 2 == 0 ? "cat" : "dog"));
      }
      questions.append(String.format("%s,i0,w0,cat or dog?,2026-01-09T09:00:00Z%n", csv(p)));
    }
    Path a = Files.writeString(dir.resolve("answers.csv"), answers.toString());
    Path g = Files.writeString(dir.resolve("gold.csv"), gold.toString());
    Path q = Files.writeString(dir.resolve("questions.csv"), questions.toString());
    ok("ingest", "--lakehouse", root, "--source", a.toString(), "--logical-date", DATE);
    ok(
        "ingest",
        "--lakehouse",
        root,
        "--source",
        g.toString(),
        "--kind",
        "gold",
        "--logical-date",
        DATE);
    ok(
        "ingest",
        "--lakehouse",
        root,
        "--source",
        q.toString(),
        "--kind",
        "flag",
        "--logical-date",
        DATE);
    for (String job :
        List.of("worker-quality", "consensus", "agreement", "anomalies", "edge-cases")) {
      ok(job, "--lakehouse", root, "--logical-date", DATE);
    }
    Lakehouse lakehouse = new Lakehouse(spark, root, "annolake");
    List<String> tables =
        List.of(
            Tables.WORKER_QUALITY,
            Tables.CONSENSUS_LABELS,
            Tables.ESCALATIONS,
            Tables.AGREEMENT_SUMMARY,
            Tables.ITEM_AGREEMENT,
            Tables.ANOMALY_FLAGS,
            Tables.WORKER_DAILY_METRICS,
            Tables.EDGE_CASES);
    Map<String, List<String>> before = rowsByProject(lakehouse, tables);
    assertThat(before.get(Tables.CONSENSUS_LABELS + "/obrien")).hasSize(6);
    assertThat(before.get(Tables.EDGE_CASES + "/obrien")).hasSize(1);

    for (String job :
        List.of("consensus", "agreement", "worker-quality", "anomalies", "edge-cases")) {
      ok(job, "--lakehouse", root, "--logical-date", DATE, "--project", "o'brien");
    }
    ok(
        "consensus",
        "--lakehouse",
        root,
        "--logical-date",
        DATE,
        "--project",
        "x' OR '1'='1",
        "--method",
        "mv");

    Map<String, List<String>> after = rowsByProject(lakehouse, tables);
    for (String key : before.keySet()) {
      if (key.endsWith("/o'brien") || key.endsWith("/x' OR '1'='1")) {
        assertThat(after.get(key))
            .as(key)
            .hasSameSizeAs(before.get(key)); // recomputed by its own runs
      } else {
        assertThat(after.get(key))
            .as(key + " (another project's rows, run ids included)")
            .isEqualTo(before.get(key));
      }
    }
    assertThat(after.keySet()).isEqualTo(before.keySet());
    // and every table the runs wrote has the columns of the table contract
    assertThat(ContractCheck.differences(lakehouse)).isEmpty();
  }

  private static String csv(String value) {
    return "\"" + value.replace("\"", "\"\"") + "\"";
  }

  /**
   * Each table's rows per project, as sorted strings (run ids included: an untouched row keeps its
   * run).
   */
  private Map<String, List<String>> rowsByProject(Lakehouse lakehouse, List<String> tables) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String table : tables) {
      // one read per table (small), split by project here
      for (Row r : lakehouse.read(table).collectAsList()) {
        String project = r.getAs("project_id");
        if (PROJECTS.contains(project)) {
          out.computeIfAbsent(table + "/" + project, k -> new ArrayList<>()).add(r.toString());
        }
      }
    }
    out.values().forEach(rows -> rows.sort(String::compareTo));
    return out;
  }
}
