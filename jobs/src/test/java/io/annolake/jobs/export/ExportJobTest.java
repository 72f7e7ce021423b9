package io.annolake.jobs.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.LandingFile;
import io.annolake.common.io.LandingReader;
import io.annolake.common.schema.RecordKind;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
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
    assertThat(CliRun.of("generate", "--out", landing, "--annotations", "1500", "--format", "parquet").code()).isZero();
    assertThat(CliRun.of("ingest", "--lakehouse", root, "--source", landing + "/annotations").code()).isZero();
    assertThat(CliRun.of("ingest", "--lakehouse", root, "--source", landing + "/gold", "--kind", "gold").code()).isZero();
  }

  @Test
  void csvHasAHeaderOfTheColumnNamesAndEveryRow() throws Exception {
    Path out = dir.resolve("annotations.csv");
    CliRun run = CliRun.of("export", "--lakehouse", root, "--table", "annotations", "--format", "csv", "--out", out.toString());
    assertThat(run.code()).isZero();
    List<String> lines = Files.readAllLines(out);
    String[] columns = spark.read().format("delta").load(root + "/annotations").columns();
    assertThat(lines.get(0)).isEqualTo(String.join(",", columns));
    long rows = spark.read().format("delta").load(root + "/annotations").count();
    assertThat(spark.read().option("header", true).option("multiLine", true).csv(out.toString()).count()).isEqualTo(rows);
  }

  @Test
  void projectFilterAndTimeTravel() {
    Path out = dir.resolve("p1.parquet");
    assertThat(
            CliRun.of("export", "--lakehouse", root, "--table", "annotations", "--format", "parquet", "--project", "p1", "--out", out.toString()).code())
        .isZero();
    assertThat(spark.read().parquet(out.toString()).select("project_id").distinct().collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("p1");
    Path v0 = dir.resolve("files-v0");
    assertThat(CliRun.of("export", "--lakehouse", root, "--table", "ingested_files", "--format", "parquet", "--as-of-version", "0", "--out", v0.toString()).code()).isZero();
    long atV0 = spark.read().parquet(v0.toString()).count();
    long now = spark.read().format("delta").load(root + "/ingested_files").count();
    assertThat(atV0).isLessThan(now);
    CliRun bad = CliRun.of("export", "--lakehouse", root, "--table", "ingested_files", "--as-of-version", "99", "--out", dir.resolve("x").toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--as-of-version");
  }

  @Test
  void arrowExportReadsBack() {
    Path out = dir.resolve("gold.arrow");
    assertThat(CliRun.of("export", "--lakehouse", root, "--table", "gold_labels", "--format", "arrow", "--out", out.toString()).code()).isZero();
    List<LandingFile> files = LandingFile.list(out.toString(), null, spark.sparkContext().hadoopConfiguration());
    long rows = LandingReader.read(spark, RecordKind.GOLD, files).count();
    assertThat(rows).isEqualTo(spark.read().format("delta").load(root + "/gold_labels").count()).isPositive();
  }
}
