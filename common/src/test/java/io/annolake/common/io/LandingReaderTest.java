package io.annolake.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.schema.RecordKind;
import io.annolake.common.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LandingReaderTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  private List<Row> read(Path source, RecordKind kind) {
    List<LandingFile> files =
        LandingFile.list(source.toString(), null, spark.sparkContext().hadoopConfiguration());
    return LandingReader.read(spark, kind, files)
        .orderBy("source_file", "source_position")
        .collectAsList();
  }

  @Test
  void jsonLinesKeepEveryLineWithItsByteOffset() throws Exception {
    String good =
        "{\"annotation_id\":\"a1\",\"item\":\"i1\",\"worker\":\"w1\",\"label\":\"cat\",\"revision\":2}";
    String broken = "{\"annotation_id\":\"a2\",\"item_id\":";
    Files.writeString(dir.resolve("x.jsonl"), good + "\n" + broken + "\n\n[1,2]\n");
    List<Row> rows = read(dir, RecordKind.ANNOTATIONS);
    assertThat(rows).hasSize(3);
    Row first = rows.get(0);
    assertThat(first.<String>getAs("item_id")).isEqualTo("i1");
    assertThat(first.<String>getAs("worker_id")).isEqualTo("w1");
    assertThat(first.<String>getAs("revision")).isEqualTo("2");
    assertThat(first.<Boolean>getAs("malformed")).isFalse();
    assertThat(first.<Long>getAs("source_position")).isZero();
    Row second = rows.get(1);
    assertThat(second.<Boolean>getAs("malformed")).isTrue();
    assertThat(second.<String>getAs("malformed_detail")).startsWith("invalid JSON");
    assertThat(second.<Long>getAs("source_position")).isEqualTo(good.length() + 1);
    assertThat(second.<String>getAs("raw_record")).isEqualTo(broken);
    assertThat(rows.get(2).<String>getAs("malformed_detail")).isEqualTo("not a JSON object");
  }

  @Test
  void csvMapsHeaderAliasesAndFlagsWrongFieldCounts() throws Exception {
    Files.writeString(
        dir.resolve("a.csv"), "\uFEFFitem,worker,label\ni1,w1,\"a, b\"\ni2,w2\ni3,w3,\"x\"\"y\"\n");
    Files.writeString(dir.resolve("b.tsv"), "item_id\tworker_id\tlabel\ni9\tw9\tz\n");
    List<Row> rows = read(dir, RecordKind.ANNOTATIONS);
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0).<String>getAs("label")).isEqualTo("a, b");
    assertThat(rows.get(1).<Boolean>getAs("malformed")).isTrue();
    assertThat(rows.get(1).<String>getAs("malformed_detail"))
        .isEqualTo("expected 3 fields, found 2");
    assertThat(rows.get(2).<String>getAs("label")).isEqualTo("x\"y");
    assertThat(rows.get(3).<String>getAs("item_id")).isEqualTo("i9");
    assertThat(rows.get(3).<String>getAs("source_format")).isEqualTo("csv");
  }

  @Test
  void parquetAndArrowRoundTripThroughTheWriter() {
    Dataset<Row> df =
        spark.sql(
            "SELECT CAST(id AS STRING) AS item_id, 'w' || id AS worker_id, 'l' || (id % 3) AS label,"
                + " TIMESTAMP '2026-01-05 10:00:00' AS submitted_at, id AS duration_ms FROM range(5)");
    LandingWriter.write(df, LandingFormat.PARQUET, dir.resolve("p").toString());
    LandingWriter.write(df, LandingFormat.ARROW, dir.resolve("a").toString());
    for (String sub : List.of("p", "a")) {
      List<Row> rows = read(dir.resolve(sub), RecordKind.ANNOTATIONS);
      assertThat(rows).hasSize(5);
      assertThat(rows.stream().map(r -> r.<String>getAs("label")).toList())
          .contains("l0", "l1", "l2");
      Row any = rows.stream().filter(r -> "3".equals(r.getAs("item_id"))).findFirst().orElseThrow();
      assertThat(any.<String>getAs("worker_id")).isEqualTo("w3");
      assertThat(any.<String>getAs("duration_ms")).isEqualTo("3");
      assertThat(any.<String>getAs("submitted_at")).startsWith("2026-01-05").contains("10:00:00");
      assertThat(rows.stream().map(r -> r.<Long>getAs("source_position")).distinct().count())
          .isGreaterThan(1);
    }
  }

  @Test
  void listingSkipsHiddenFilesAndOtherFormats() throws Exception {
    Files.writeString(dir.resolve("keep.jsonl"), "{}\n");
    Files.writeString(dir.resolve("notes.txt"), "x\n");
    Files.writeString(dir.resolve("_SUCCESS"), "");
    Files.createDirectories(dir.resolve("_truth"));
    Files.writeString(dir.resolve("_truth/hidden.jsonl"), "{}\n");
    List<LandingFile> files =
        LandingFile.list(dir.toString(), null, spark.sparkContext().hadoopConfiguration());
    // other formats are listed, with the reason they cannot be read: rejected, never skipped unseen
    assertThat(files)
        .extracting(f -> Path.of(java.net.URI.create(f.path())).getFileName().toString())
        .containsExactly("keep.jsonl", "notes.txt");
    assertThat(files.get(0).problem()).isNull();
    assertThat(files.get(1).format()).isNull();
    assertThat(files.get(1).problem()).contains("extension");
    List<LandingFile> asCsv =
        LandingFile.list(
            dir.toString(), LandingFormat.CSV, spark.sparkContext().hadoopConfiguration());
    assertThat(asCsv.get(0).problem()).isEqualTo("the extension says json but --format is csv");
    assertThat(asCsv.get(1).format()).isEqualTo(LandingFormat.CSV);
  }

  @Test
  void aHiddenFolderAboveTheSourceDoesNotHideItsFiles() throws Exception {
    Path source = dir.resolve(".cache/landing");
    Files.createDirectories(source);
    Files.writeString(source.resolve("a.jsonl"), "{}\n");
    assertThat(
            LandingFile.list(source.toString(), null, spark.sparkContext().hadoopConfiguration()))
        .hasSize(1);
  }

  @Test
  void aFileIdChangesWhenTheFileChanges() throws Exception {
    Path f = dir.resolve("k.jsonl");
    Files.writeString(f, "{}\n");
    String before = id(f);
    Files.writeString(f, "{}\n{}\n");
    assertThat(id(f)).isNotEqualTo(before);
  }

  @Test
  void aFileRewrittenInPlaceWithTheSameSizeAndTimeGetsANewId() throws Exception {
    Path f = dir.resolve("same.jsonl");
    Files.writeString(f, "{\"label\":\"cat\"}\n");
    var time = Files.getLastModifiedTime(f);
    String before = id(f);
    Files.writeString(f, "{\"label\":\"dog\"}\n");
    Files.setLastModifiedTime(f, time);
    assertThat(id(f)).isNotEqualTo(before);
    // large files: the first and last blocks and the length
    byte[] big = new byte[LandingFile.FULL_HASH_LIMIT + 10];
    Path g = dir.resolve("big.jsonl");
    Files.write(g, big);
    time = Files.getLastModifiedTime(g);
    String bigBefore = id(g);
    big[big.length - 1] = 1;
    Files.write(g, big);
    Files.setLastModifiedTime(g, time);
    assertThat(id(g)).isNotEqualTo(bigBefore);
  }

  private String id(Path f) {
    return LandingFile.list(f.toString(), null, spark.sparkContext().hadoopConfiguration())
        .get(0)
        .id(RecordKind.ANNOTATIONS, "");
  }
}
