package io.annolake.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.ingest.Ingestion;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.io.LakehouseRun;
import io.annolake.common.provenance.RunContext;
import io.annolake.common.schema.RecordKind;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.ProgressReporter;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest exactly once under every retry (issue 16, item 5): a crash after each of the run's writes,
 * then a new file and a changed label schema before the rerun; the rerun gives the tables a clean
 * sequence of runs gives, every record once in silver or in rejected_records, bronze without
 * duplicates.
 */
class IngestRetryTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  private static String rec(String id, String item, String worker, String label, int revision) {
    return "{\"annotation_id\":\""
        + id
        + "\",\"project_id\":\"p1\",\"item_id\":\""
        + item
        + "\",\"worker_id\":\""
        + worker
        + "\",\"label\":\""
        + label
        + "\",\"revision\":"
        + revision
        + ",\"submitted_at\":\"2026-01-10T10:00:00Z\"}";
  }

  private static String schema(String labels) {
    return "{\"project_id\":\"p1\",\"step\":\"default\",\"guideline_version\":\"unversioned\",\"label_type\":\"categorical\","
        + "\"labels\":"
        + labels
        + "}";
  }

  /** Two files of the first batch, the file that lands after the crash, and the two schemas. */
  private Path landing(String name) throws Exception {
    Path root = dir.resolve(name);
    Files.createDirectories(root.resolve("annotations"));
    Files.createDirectories(root.resolve("schema1"));
    Files.createDirectories(root.resolve("schema2"));
    Files.writeString(root.resolve("schema1/s.jsonl"), schema("[\"cat\",\"dog\"]") + "\n");
    Files.writeString(root.resolve("schema2/s.jsonl"), schema("[\"cat\",\"dog\",\"bird\"]") + "\n");
    Files.writeString(
        root.resolve("annotations/f1.jsonl"),
        String.join(
                "\n",
                rec("a1", "i1", "w1", "cat", 1),
                rec("a2", "i1", "w2", "dog", 1),
                rec("a3", "i1", "w3", "bird", 1), // UNKNOWN_LABEL under the first schema only
                rec("a4", "i2", "w1", "cat", 1), // superseded by f2's revision 2
                "{not json",
                rec("a1", "i1", "w1", "cat", 1)) // exact duplicate
            + "\n");
    Files.writeString(
        root.resolve("annotations/f2.jsonl"),
        String.join(
                "\n",
                rec("a4", "i2", "w1", "dog", 2),
                rec("a7", "i3", "w1", "cat", 1),
                rec("a8", "i3", "w2", "fish", 1))
            + "\n");
    return root;
  }

  private static void landLate(Path root) throws Exception {
    Files.writeString(
        root.resolve("annotations/g.jsonl"),
        String.join(
                "\n",
                rec("a1", "i1", "w1", "dog", 2), // a later revision of f1's a1
                rec("a2", "i1", "w2", "dog", 1), // already ingested
                rec("a9", "i4", "w1", "bird", 1), // allowed by the second schema
                rec("a10", "i4", "w2", "fish", 1))
            + "\n");
  }

  private static void ingest(String lakehouse, Path source, String kind) {
    CliRun.ok(
        "ingest",
        "--lakehouse",
        lakehouse,
        "--source",
        source.toString(),
        "--kind",
        kind,
        "--logical-date",
        "2026-01-10");
  }

  /** An ingest whose driver dies after its Nth write: no rollback, no final bookkeeping. */
  private void crashedIngest(String lakehouse, Path source, int afterWrite) {
    Lakehouse lh = new Lakehouse(spark, lakehouse, "annolake");
    RunContext context =
        RunContext.create(
            "crash-" + afterWrite, "ingest", LocalDate.parse("2026-01-10"), "test", Map.of());
    LakehouseRun run = new LakehouseRun(lh, context);
    System.setProperty(Ingestion.CRASH_AFTER_WRITE, Integer.toString(afterWrite));
    try (ProgressReporter progress = ProgressReporter.start(spark, "ingest", 0)) {
      assertThatThrownBy(
              () ->
                  Ingestion.run(
                      run,
                      progress,
                      AnnolakeConfig.defaults(),
                      source.toString(),
                      RecordKind.ANNOTATIONS,
                      null,
                      null))
          .hasMessageContaining("simulated crash after write " + afterWrite);
    } finally {
      System.clearProperty(Ingestion.CRASH_AFTER_WRITE);
    }
  }

  /**
   * A table's rows without what differs between two lakehouses by design: run id, times, the table
   * versions a batch was bound to, and ids derived from the file's path (other folders here).
   */
  private static List<String> rows(Lakehouse lh, String table) {
    Dataset<Row> t =
        lh.read(table)
            .drop(
                "run_id",
                "ingested_at",
                "silver_version",
                "schemas_version",
                "modified_at",
                "file_key",
                "batch_id");
    return t
        .selectExpr("to_json(struct(*)) AS j")
        .orderBy("j")
        .as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()
        .stream()
        .map(
            j ->
                j.replaceAll("file:[^\"]*/(landing-[a-z0-9-]+)/", "$1/")
                    .replaceAll("landing-[a-z0-9-]+/", ""))
        .toList();
  }

  /** The crash that matters most: rejects written with the first schema, silver not yet. */
  @Test
  void aRerunAfterACrashBetweenRejectsAndSilverConvergesOnACleanRun() throws Exception {
    crashThenRerun(List.of(3));
  }

  /** Every crash point; a trial (mvn -Ptrials test): 24 ingest runs. */
  @Test
  @Tag("trial")
  void aRerunAfterACrashAtAnyWriteConvergesOnACleanRun() throws Exception {
    crashThenRerun(List.of(1, 2, 3, 4, 5));
  }

  private void crashThenRerun(List<Integer> crashPoints) throws Exception {
    // the clean sequence: first schema, first batch, second schema, the late file
    Path clean = landing("landing-clean");
    String cleanLh = dir.resolve("lh-clean").toString();
    ingest(cleanLh, clean.resolve("schema1"), "schema");
    ingest(cleanLh, clean.resolve("annotations"), "annotations");
    ingest(cleanLh, clean.resolve("schema2"), "schema");
    landLate(clean);
    ingest(cleanLh, clean.resolve("annotations"), "annotations");
    Lakehouse expected = new Lakehouse(spark, cleanLh, "annolake");

    // annotations write: 1 file log (PENDING), 2 bronze, 3 rejects, 4 silver, 5 file log (done)
    for (int crashAfter : crashPoints) {
      Path landing = landing("landing-crash-" + crashAfter);
      String lakehouse = dir.resolve("lh-crash-" + crashAfter).toString();
      ingest(lakehouse, landing.resolve("schema1"), "schema");
      crashedIngest(lakehouse, landing.resolve("annotations"), crashAfter);
      ingest(lakehouse, landing.resolve("schema2"), "schema");
      landLate(landing);
      ingest(lakehouse, landing.resolve("annotations"), "annotations");

      Lakehouse actual = new Lakehouse(spark, lakehouse, "annolake");
      for (String table :
          List.of(
              Tables.RAW_ANNOTATIONS,
              Tables.REJECTED_RECORDS,
              Tables.ANNOTATIONS,
              Tables.INGESTED_FILES)) {
        assertThat(rows(actual, table))
            .as("crash after write %d: %s", crashAfter, table)
            .isEqualTo(rows(expected, table));
      }
      assertExactlyOnce(actual);
    }
  }

  /**
   * Every bronze record is in silver or in rejects, never both, and bronze holds each record once.
   */
  private static void assertExactlyOnce(Lakehouse lh) {
    Dataset<Row> bronze = lh.read(Tables.RAW_ANNOTATIONS).select("source_file", "source_position");
    Dataset<Row> silver = lh.read(Tables.ANNOTATIONS).select("source_file", "source_position");
    Dataset<Row> rejects =
        lh.read(Tables.REJECTED_RECORDS).select("source_file", "source_position");
    assertThat(bronze.distinct().count()).isEqualTo(bronze.count()).isEqualTo(13);
    assertThat(rejects.distinct().count()).isEqualTo(rejects.count());
    assertThat(silver.intersect(rejects).count()).isZero();
    // the one record in neither is f1's a1, replaced in silver by g's later revision
    List<Row> neither = bronze.except(silver).except(rejects).collectAsList();
    assertThat(neither).hasSize(1);
    assertThat(neither.get(0).getString(0)).endsWith("f1.jsonl");
    assertThat(
            lh.read(Tables.ANNOTATIONS)
                .where(col("annotation_id").equalTo("a1"))
                .head()
                .<String>getAs("label"))
        .isEqualTo("dog");
  }
}
