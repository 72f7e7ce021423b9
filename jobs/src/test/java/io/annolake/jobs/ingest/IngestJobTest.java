package io.annolake.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.ScalaSeqs;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ingestion end to end through the CLI, checked against the simulator's hidden truth. */
class IngestJobTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  private String generate(String format, int annotations, double badRate) {
    String out = dir.resolve("landing-" + format).toString();
    CliRun run =
        CliRun.of(
            "generate",
            "--out",
            out,
            "--format",
            format,
            "--annotations",
            Integer.toString(annotations),
            "--bad-rate",
            Double.toString(badRate),
            "--seed",
            "11");
    assertThat(run.code()).isZero();
    return out;
  }

  private CliRun ingest(String lakehouse, String source, String... more) {
    String[] base = {"ingest", "--lakehouse", lakehouse, "--source", source};
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    CliRun run = CliRun.of(args);
    assertThat(run.code()).as(run.err()).isZero();
    return run;
  }

  private Lakehouse lakehouse(String root) {
    return new Lakehouse(spark, root, "annolake");
  }

  private Map<String, Long> countsBy(Dataset<Row> df, String column) {
    Map<String, Long> out = new TreeMap<>();
    df.groupBy(column).count().collectAsList().forEach(r -> out.put(r.getString(0), r.getLong(1)));
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "csv", "parquet", "arrow"})
  void everyRecordLandsInSilverOrInRejectsWithTheInjectedReason(String format) {
    String landing = generate(format, 2500, 0.06);
    String root = dir.resolve("lh-" + format).toString();
    ingest(root, landing + "/schemas", "--kind", "schema");
    ingest(root, landing + "/annotations");
    Lakehouse lh = lakehouse(root);

    long read = lh.read(Tables.RAW_ANNOTATIONS).count();
    long silver = lh.read(Tables.ANNOTATIONS).count();
    Dataset<Row> rejects =
        lh.read(Tables.REJECTED_RECORDS).where(col("record_kind").equalTo("annotations"));
    assertThat(silver + rejects.count()).isEqualTo(read);

    Dataset<Row> truth = spark.read().option("header", true).csv(landing + "/_truth/bad_records");
    Map<String, Long> injected = countsBy(truth, "bad_kind");
    assertThat(countsBy(rejects, "reason_code")).isEqualTo(injected);
    assertThat(injected.keySet())
        .hasSizeGreaterThanOrEqualTo(format.equals("json") || format.equals("csv") ? 6 : 5);
    // record by record: each injected bad record is rejected with its own reason
    Dataset<Row> keyed = truth.where(col("bad_kind").notEqual("MALFORMED_RECORD"));
    long matched =
        keyed
            .join(
                rejects,
                org.apache
                    .spark
                    .sql
                    .functions
                    .concat_ws("|", keyed.col("project_id"), keyed.col("annotation_id"))
                    .equalTo(rejects.col("record_key"))
                    .and(keyed.col("bad_kind").equalTo(rejects.col("reason_code"))),
                "left_semi")
            .count();
    assertThat(matched).isEqualTo(keyed.count());
    // silver is what the simulator says it should be
    JsonNode summary = summary(landing);
    assertThat(silver).isEqualTo(summary.get("expected_silver_annotations").asLong());
    assertThat(lh.read(Tables.ANNOTATIONS).select("annotation_id").distinct().count())
        .isEqualTo(silver);
    // every rejected record says where it came from
    assertThat(
            rejects
                .where(
                    col("source_file")
                        .isNull()
                        .or(col("source_position").lt(0))
                        .or(col("detail").isNull()))
                .count())
        .isZero();
    // and carries its landing record as bronze holds it (joined back from bronze by position)
    Dataset<Row> bronze =
        lh.read(Tables.RAW_ANNOTATIONS)
            .select(col("source_file"), col("source_position"), col("raw_record").as("bronze"));
    assertThat(
            rejects
                .join(bronze, ScalaSeqs.of("source_file", "source_position"), "left")
                .where(col("raw_record").isNull().or(col("raw_record").notEqual(col("bronze"))))
                .count())
        .isZero();
  }

  private static JsonNode summary(String landing) {
    try {
      return new ObjectMapper()
          .readTree(Files.readString(Path.of(landing, "_truth", "summary.json")));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void ingestingTheSameFilesAgainChangesNothing() {
    String landing = generate("json", 1500, 0.02);
    String root = dir.resolve("lh-once").toString();
    ingest(root, landing + "/annotations", "--logical-date", "2026-02-01");
    Lakehouse lh = lakehouse(root);
    Map<String, Long> before = versions(lh);
    CliRun again = ingest(root, landing + "/annotations", "--logical-date", "2026-02-01");
    assertThat(again.out()).contains("0 new files (2 already ingested, skipped)");
    assertThat(versions(lh)).isEqualTo(before);
    // a new file is picked up alone
    ingest(root, landing + "/gold", "--kind", "gold");
    assertThat(lh.read(Tables.INGESTED_FILES).where(col("status").equalTo("INGESTED")).count())
        .isEqualTo(3);
  }

  private static Map<String, Long> versions(Lakehouse lh) {
    Map<String, Long> out = new HashMap<>();
    for (String t : Tables.INGEST) {
      out.put(t, lh.version(t));
    }
    return out;
  }

  @Test
  void aRetryAfterACrashDoesNotDuplicateBronzeOrRejects() throws Exception {
    String landing = generate("json", 1500, 0.03);
    String root = dir.resolve("lh-crash").toString();
    ingest(root, landing + "/annotations");
    Lakehouse lh = lakehouse(root);
    long bronze = lh.read(Tables.RAW_ANNOTATIONS).count();
    long silver = lh.read(Tables.ANNOTATIONS).count();
    long rejected = lh.read(Tables.REJECTED_RECORDS).count();
    // Simulate a crash right after the bronze and rejects commits: silver and the file log are
    // lost.
    for (String t : List.of(Tables.ANNOTATIONS, Tables.INGESTED_FILES)) {
      lh.unregister(t);
      FileUtils.deleteDirectory(new java.io.File(java.net.URI.create(lh.path(t))));
    }
    ingest(root, landing + "/annotations");
    assertThat(lh.read(Tables.RAW_ANNOTATIONS).count()).isEqualTo(bronze);
    assertThat(lh.read(Tables.REJECTED_RECORDS).count()).isEqualTo(rejected);
    assertThat(lh.read(Tables.ANNOTATIONS).count()).isEqualTo(silver);
  }

  @Test
  void aMissingSourceFailsUnlessTheKindMayNotLandThatDay() {
    String root = dir.resolve("lh-missing").toString();
    String missing = dir.resolve("no-such-day/guidelines").toString();
    CliRun strict =
        CliRun.of("ingest", "--lakehouse", root, "--source", missing, "--kind", "guideline");
    assertThat(strict.code()).isEqualTo(2);
    assertThat(strict.err()).contains("--source").contains("no such file or folder");

    CliRun allowed = ingest(root, missing, "--kind", "guideline", "--allow-missing-source");
    assertThat(allowed.out()).contains("ingest guideline: 0 new files").contains("read 0");
    assertThat(lakehouse(root).exists(Tables.GUIDELINES)).isFalse();
    assertThat(
            lakehouse(root)
                .read(Tables.PIPELINE_RUNS)
                .where(col("status").equalTo("SUCCEEDED"))
                .count())
        .isEqualTo(1);
  }

  @Test
  void aCorruptFileIsRejectedAndTheOthersAreIngested() throws Exception {
    String root = dir.resolve("lh-poison").toString();
    Path more = dir.resolve("more");
    Files.createDirectories(more);
    Files.writeString(
        more.resolve("a.jsonl"),
        "{\"annotation_id\":\"x1\",\"project_id\":\"p1\",\"item_id\":\"i\",\"worker_id\":\"w\",\"label\":\"car\"}\n");
    Files.writeString(more.resolve("b.parquet"), "not parquet at all");
    CliRun run = ingest(root, more.toString());
    assertThat(run.out()).contains("rejected files: 1").contains("b.parquet: UNREADABLE_FILE");
    Lakehouse lh = lakehouse(root);
    assertThat(lh.read(Tables.ANNOTATIONS).count()).isEqualTo(1);
    Row rejected = lh.read(Tables.INGESTED_FILES).where(col("status").equalTo("REJECTED")).head();
    assertThat(rejected.<String>getAs("file_path")).endsWith("b.parquet");
    assertThat(rejected.<String>getAs("reason_code")).isEqualTo("UNREADABLE_FILE");
    assertThat(rejected.<String>getAs("detail")).contains("Parquet");
  }

  @Test
  void everyTableCarriesProvenance() throws Exception {
    String landing = generate("csv", 1500, 0.02);
    String root = dir.resolve("lh-prov").toString();
    for (String[] kind :
        List.of(
            new String[] {"schemas", "schema"},
            new String[] {"guidelines", "guideline"},
            new String[] {"gold", "gold"},
            new String[] {"adjudications", "adjudications"},
            new String[] {"annotations", "annotations"},
            new String[] {"flags", "flag"})) {
      ingest(
          root,
          landing + "/" + kind[0],
          "--kind",
          kind[1],
          "--run-id",
          "run-" + kind[1],
          "--logical-date",
          "2026-01-20");
    }
    Lakehouse lh = lakehouse(root);
    ObjectMapper json = new ObjectMapper();
    for (String table :
        java.util.stream.Stream.concat(
                Tables.INGEST.stream(), java.util.stream.Stream.of(Tables.PIPELINE_RUNS))
            .toList()) {
      assertThat(lh.exists(table)).as(table).isTrue();
      assertThat(lh.read(table).where(col("run_id").isNull()).count()).as(table).isZero();
      List<Row> history =
          spark
              .sql("DESCRIBE HISTORY delta.`" + lh.path(table) + "`")
              .select("userMetadata")
              .collectAsList();
      for (Row h : history) {
        JsonNode meta = json.readTree(h.getString(0));
        assertThat(meta.get("run_id").asText()).as(table).startsWith("run-");
        assertThat(meta.get("job").asText()).isEqualTo("ingest");
        assertThat(meta.get("logical_date").asText()).isEqualTo("2026-01-20");
        assertThat(meta.get("config_hash").asText()).hasSize(16);
        assertThat(meta.has("code_version")).isTrue();
      }
      // not registered: the default catalog is per session, and jobs read and write by path
    }
    Dataset<Row> runs = lh.read(Tables.PIPELINE_RUNS);
    assertThat(runs.where(col("status").equalTo("STARTED")).count())
        .isEqualTo(6); // one run per kind
    Row done =
        runs.where(col("status").equalTo("SUCCEEDED").and(col("run_id").equalTo("run-annotations")))
            .head();
    List<Row> outputs = done.getList(done.fieldIndex("outputs"));
    assertThat(outputs)
        .extracting(o -> o.getString(0))
        .contains(Tables.RAW_ANNOTATIONS, Tables.ANNOTATIONS, Tables.INGESTED_FILES);
    assertThat(
            done.<scala.collection.Map<String, Object>>getAs("inputs")
                .contains(Tables.LABEL_SCHEMAS))
        .isTrue();
    // annotations name where each row came from
    assertThat(
            lh.read(Tables.ANNOTATIONS)
                .where(col("source_file").isNull().or(col("batch_id").isNull()))
                .count())
        .isZero();
  }

  @Test
  void publicDatasetsLoadAsTheyAre() {
    Path data = SparkTestSession.sharedData();
    Assumptions.assumeTrue(data != null, "../shared/data is absent");
    String root = dir.resolve("lh-public").toString();
    for (String name : List.of("zheng_dog", "snow_temp")) {
      long lines =
          spark
              .read()
              .option("header", true)
              .csv(data.resolve(name + "/answers.csv").toString())
              .count();
      long truth =
          spark
              .read()
              .option("header", true)
              .csv(data.resolve(name + "/truth.csv").toString())
              .count();
      CliRun answers =
          ingest(root, data.resolve(name + "/answers.csv").toString(), "--project", name);
      assertThat(answers.out()).contains(String.format("ingested %,d | rejected 0", lines));
      CliRun gold =
          ingest(
              root,
              data.resolve(name + "/truth.csv").toString(),
              "--project",
              name,
              "--kind",
              "gold");
      assertThat(gold.out()).contains(String.format("ingested %,d | rejected 0", truth));
    }
    Lakehouse lh = lakehouse(root);
    assertThat(lh.read(Tables.ANNOTATIONS).where(col("project_id").equalTo("zheng_dog")).count())
        .isEqualTo(8070);
    assertThat(lh.read(Tables.GOLD_LABELS).where(col("project_id").equalTo("zheng_dog")).count())
        .isEqualTo(807);
  }
}
