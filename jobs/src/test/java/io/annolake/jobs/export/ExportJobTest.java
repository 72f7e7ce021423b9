package io.annolake.jobs.export;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.LandingFile;
import io.annolake.common.io.LandingReader;
import io.annolake.common.schema.RecordKind;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportJobTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir static Path dir;
  private static String root;

  @BeforeAll
  static void ingestASmallOperation() {
    String landing = dir.resolve("landing").toString();
    root = dir.resolve("lh").toString();
    assertThat(
            CliRun.of("generate", "--out", landing, "--annotations", "1500", "--format", "parquet")
                .code())
        .isZero();
    assertThat(
            CliRun.of("ingest", "--lakehouse", root, "--source", landing + "/annotations").code())
        .isZero();
    assertThat(
            CliRun.of(
                    "ingest", "--lakehouse", root, "--source", landing + "/gold", "--kind", "gold")
                .code())
        .isZero();
  }

  @Test
  void csvHasAHeaderOfTheColumnNamesAndEveryRow() throws Exception {
    Path out = dir.resolve("annotations.csv");
    CliRun run =
        CliRun.of(
            "export",
            "--lakehouse",
            root,
            "--table",
            "annotations",
            "--format",
            "csv",
            "--out",
            out.toString());
    assertThat(run.code()).isZero();
    List<String> lines = Files.readAllLines(out);
    String[] columns = spark.read().format("delta").load(root + "/annotations").columns();
    assertThat(lines.get(0)).isEqualTo(String.join(",", columns));
    long rows = spark.read().format("delta").load(root + "/annotations").count();
    assertThat(
            spark
                .read()
                .option("header", true)
                .option("multiLine", true)
                .csv(out.toString())
                .count())
        .isEqualTo(rows);
  }

  @Test
  void projectFilterAndTimeTravel() {
    Path out = dir.resolve("p1.parquet");
    assertThat(
            CliRun.of(
                    "export",
                    "--lakehouse",
                    root,
                    "--table",
                    "annotations",
                    "--format",
                    "parquet",
                    "--project",
                    "p1",
                    "--out",
                    out.toString())
                .code())
        .isZero();
    assertThat(spark.read().parquet(out.toString()).select("project_id").distinct().collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactly("p1");
    Path v0 = dir.resolve("files-v0");
    assertThat(
            CliRun.of(
                    "export",
                    "--lakehouse",
                    root,
                    "--table",
                    "ingested_files",
                    "--format",
                    "parquet",
                    "--as-of-version",
                    "0",
                    "--out",
                    v0.toString())
                .code())
        .isZero();
    long atV0 = spark.read().parquet(v0.toString()).count();
    long now = spark.read().format("delta").load(root + "/ingested_files").count();
    assertThat(atV0).isLessThan(now);
    CliRun bad =
        CliRun.of(
            "export",
            "--lakehouse",
            root,
            "--table",
            "ingested_files",
            "--as-of-version",
            "99",
            "--out",
            dir.resolve("x").toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--as-of-version");
  }

  @Test
  void arrowExportReadsBack() {
    Path out = dir.resolve("gold.arrow");
    assertThat(
            CliRun.of(
                    "export",
                    "--lakehouse",
                    root,
                    "--table",
                    "gold_labels",
                    "--format",
                    "arrow",
                    "--out",
                    out.toString())
                .code())
        .isZero();
    List<LandingFile> files =
        LandingFile.list(out.toString(), null, spark.sparkContext().hadoopConfiguration());
    long rows = LandingReader.read(spark, RecordKind.GOLD, files).count();
    assertThat(rows)
        .isEqualTo(spark.read().format("delta").load(root + "/gold_labels").count())
        .isPositive();
  }

  @Test
  void outRefusesAFolderThatIsNotAnEarlierExportOfTheSameTableUnlessOverwrite() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("notes"));
    Files.writeString(folder.resolve("keep.txt"), "mine");
    CliRun refused =
        CliRun.of(
            "export",
            "--lakehouse",
            root,
            "--table",
            "gold_labels",
            "--format",
            "parquet",
            "--out",
            folder.toString());
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("--overwrite");
    assertThat(folder.resolve("keep.txt")).exists();

    Path export = dir.resolve("gold-export");
    CliRun.ok(
        "export",
        "--lakehouse",
        root,
        "--table",
        "gold_labels",
        "--format",
        "parquet",
        "--out",
        export.toString());
    CliRun.ok(
        "export",
        "--lakehouse",
        root,
        "--table",
        "gold_labels",
        "--format",
        "parquet",
        "--out",
        export.toString());
    CliRun other =
        CliRun.of(
            "export",
            "--lakehouse",
            root,
            "--table",
            "annotations",
            "--format",
            "parquet",
            "--out",
            export.toString());
    assertThat(other.code()).isEqualTo(2);
    assertThat(other.err()).contains("--overwrite");

    CliRun.ok(
        "export",
        "--lakehouse",
        root,
        "--table",
        "gold_labels",
        "--format",
        "parquet",
        "--out",
        folder.toString(),
        "--overwrite");
    assertThat(folder.resolve("keep.txt")).doesNotExist();

    Path single = dir.resolve("gold-single.csv");
    CliRun.ok("export", "--lakehouse", root, "--table", "gold_labels", "--out", single.toString());
    CliRun.ok("export", "--lakehouse", root, "--table", "gold_labels", "--out", single.toString());
    assertThat(
            CliRun.of(
                    "export",
                    "--lakehouse",
                    root,
                    "--table",
                    "annotations",
                    "--out",
                    single.toString())
                .code())
        .isEqualTo(2);

    long rows = spark.read().format("delta").load(root + "/annotations").count();
    for (String out : List.of(root, dir.toString(), root + "/annotations")) {
      CliRun lakehouse =
          CliRun.of(
              "export",
              "--lakehouse",
              root,
              "--table",
              "gold_labels",
              "--format",
              "parquet",
              "--out",
              out,
              "--overwrite");
      assertThat(lakehouse.code()).as(out).isEqualTo(2);
      assertThat(lakehouse.err()).contains("--out");
    }
    assertThat(spark.read().format("delta").load(root + "/annotations").count()).isEqualTo(rows);
  }

  @Test
  void csvIsRfc4180AndNeutralisesFormulaCellsButNotNumbers() throws Exception {
    String tricky = dir.resolve("tricky-lh").toString();
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("text", DataTypes.StringType)
            .add("n", DataTypes.LongType);
    List<Row> rows =
        List.of(
            RowFactory.create("p1", "say \"hi\", then\nleave", -5L),
            RowFactory.create("p1", "=HYPERLINK(\"http://x\",\"y\")", 1L),
            RowFactory.create("p1", "-1", 2L),
            RowFactory.create("p1", "+cmd|' /C calc'!A0", 3L),
            RowFactory.create("p1", "@SUM(A1)", 4L),
            RowFactory.create("p1", "-2+3+cmd", 5L),
            RowFactory.create("p1", "  padded, with comma  ", 6L),
            RowFactory.create("p1", null, 7L));
    spark.createDataFrame(rows, schema).write().format("delta").save(tricky + "/notes");

    Path out = dir.resolve("notes.csv");
    CliRun.ok("export", "--lakehouse", tricky, "--table", "notes", "--out", out.toString());
    List<List<String>> read = pythonCsv(out);
    assertThat(read.get(0)).containsExactly("project_id", "text", "n");
    assertThat(read.subList(1, read.size()))
        .containsExactlyInAnyOrder(
            List.of("p1", "say \"hi\", then\nleave", "-5"),
            List.of("p1", "'=HYPERLINK(\"http://x\",\"y\")", "1"),
            List.of("p1", "-1", "2"),
            List.of("p1", "'+cmd|' /C calc'!A0", "3"),
            List.of("p1", "'@SUM(A1)", "4"),
            List.of("p1", "'-2+3+cmd", "5"),
            List.of("p1", "  padded, with comma  ", "6"),
            List.of("p1", "", "7"));

    Path kept = dir.resolve("notes-kept.csv");
    CliRun.ok(
        "export",
        "--lakehouse",
        tricky,
        "--table",
        "notes",
        "--out",
        kept.toString(),
        "--keep-formulas");
    assertThat(pythonCsv(kept))
        .contains(
            List.of("p1", "=HYPERLINK(\"http://x\",\"y\")", "1"), List.of("p1", "@SUM(A1)", "4"));
  }

  @Test
  void workerIdsArePseudonymizedByDefault() throws Exception {
    Path out = dir.resolve("annotations-pseudonymized");
    CliRun.ok(
        "export",
        "--lakehouse",
        root,
        "--table",
        "annotations",
        "--format",
        "parquet",
        "--out",
        out.toString());
    Dataset<Row> exported = spark.read().parquet(out.toString());
    Dataset<Row> table = spark.read().format("delta").load(root + "/annotations");
    assertThat(exported.where(col("worker_id").startsWith("wp_")).count()).isEqualTo(table.count());
    assertThat(exported.select("worker_id").distinct().count())
        .isEqualTo(table.select("worker_id").distinct().count());
    assertThat(exported.join(table.select("worker_id"), "worker_id").isEmpty()).isTrue();
    String someId = table.select("worker_id").head().getString(0);
    Path raw = dir.resolve("raw-pseudonymized");
    CliRun.ok(
        "export",
        "--lakehouse",
        root,
        "--table",
        "raw_annotations",
        "--format",
        "parquet",
        "--out",
        raw.toString());
    assertThat(
            spark
                .read()
                .parquet(raw.toString())
                .where(col("raw_record").contains("\"" + someId + "\""))
                .isEmpty())
        .isTrue();
  }

  /** The CSV as Python's csv module reads it (what pandas and spreadsheets' importers do). */
  private static List<List<String>> pythonCsv(Path file) throws Exception {
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String json =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(json).isZero();
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readValue(
            json, new com.fasterxml.jackson.core.type.TypeReference<List<List<String>>>() {});
  }
}
