package io.annolake.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of bad landing files, one per case of issue 25 and per reason code: one ingest run over
 * all of them, then where every file and every record ended (docs/INGEST.md).
 */
class BadInputCorpusTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  private static String rec(
      String id, String project, String item, String worker, String label, String more) {
    return "{\"annotation_id\":\""
        + id
        + "\",\"project_id\":\""
        + project
        + "\",\"item_id\":\""
        + item
        + "\",\"worker_id\":\""
        + worker
        + "\",\"label\":\""
        + label
        + "\""
        + more
        + "}";
  }

  private Path corpus() throws IOException {
    Path c = dir.resolve("corpus");
    Files.createDirectories(c);
    // ingested as they are
    Files.writeString(
        c.resolve("good.jsonl"),
        rec("a1", "p1", "i1", "w1", "cat", "")
            + "\n"
            + rec("a2", "p1", "i1", "w2", "dog", "")
            + "\n");
    // the same annotation id in another project is another annotation (keys scoped per project)
    Files.writeString(
        c.resolve("other-project.jsonl"), rec("a1", "p2", "i1", "w1", "cat", "") + "\n");
    // `id` is not annotation_id: row numbers of two files would collide; ids come from the content
    Files.writeString(
        c.resolve("row-ids-1.csv"),
        "id,project_id,item,worker,label\n1,p1,i7,w1,cat\n2,p1,i7,w2,cat\n");
    Files.writeString(
        c.resolve("row-ids-2.csv"),
        "id,project_id,item,worker,label\n1,p1,i8,w1,dog\n2,p1,i8,w2,dog\n");
    // whole files rejected
    Files.writeString(c.resolve("notes.txt"), "not landing data\n");
    Files.write(c.resolve("packed.jsonl.bz2"), new byte[] {'B', 'Z', 'h', '9'});
    Files.writeString(c.resolve("broken.parquet"), "not parquet at all");
    Files.writeString(
        c.resolve("not-gzip.jsonl.gz"), rec("g1", "p1", "i1", "w9", "cat", "") + "\n");
    Files.writeString(c.resolve("no-header.csv"), "i1,w5,cat\ni2,w5,dog\n");
    Files.writeString(
        c.resolve("ambiguous.csv"), "item_id,worker,worker_id,label,project_id\ni1,w6,w7,cat,p1\n");
    Files.write(
        c.resolve("latin1-header.csv"),
        "item_id,worker_id,label,projet_caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    // rejected record by record
    Files.writeString(
        c.resolve("ambiguous.jsonl"),
        "{\"annotation_id\":\"b1\",\"project_id\":\"p1\",\"item_id\":\"i2\",\"worker\":\"w1\",\"worker_id\":\"w2\",\"label\":\"cat\"}\n"
            + rec("b2", "p1", "i2", "w3", "cat", "")
            + "\n");
    ByteArrayOutputStream latin = new ByteArrayOutputStream();
    latin.write(
        (rec("c1", "p1", "i3", "w1", "caf\u00e9", "") + "\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    latin.write(
        (rec("c2", "p1", "i3", "w2", "cafe", "") + "\n").getBytes(StandardCharsets.ISO_8859_1));
    Files.write(c.resolve("latin1.jsonl"), latin.toByteArray());
    Files.writeString(
        c.resolve("revisions.jsonl"),
        rec("d1", "p1", "i4", "w1", "cat", ",\"revision\":\"2.9\"")
            + "\n"
            + rec("d2", "p1", "i4", "w2", "cat", ",\"revision\":2.9")
            + "\n"
            + rec("d3", "p1", "i4", "w3", "cat", ",\"revision\":3")
            + "\n"
            + rec("d4", "p1", "i4", "w4", "cat", ",\"duration_ms\":\"1500.5\"")
            + "\n");
    Files.writeString(
        c.resolve("duplicate-key.jsonl"),
        "{\"annotation_id\":\"e1\",\"project_id\":\"p1\",\"item_id\":\"i5\",\"worker_id\":\"w1\",\"label\":\"cat\",\"label\":\"dog\"}\n");
    // the record-level reason codes, one file each (p3 has a label schema: cat, dog)
    Files.writeString(
        c.resolve("missing-field.jsonl"),
        "{\"annotation_id\":\"m1\",\"project_id\":\"p1\",\"item_id\":\"i9\",\"label\":\"cat\"}\n");
    Files.writeString(
        c.resolve("impossible-time.jsonl"),
        rec(
                "t1",
                "p1",
                "i10",
                "w1",
                "cat",
                ",\"started_at\":\"2026-01-02T10:00:00Z\",\"submitted_at\":\"2026-01-02T09:00:00Z\"")
            + "\n");
    Files.writeString(
        c.resolve("unknown-label.jsonl"),
        rec("k1", "p3", "i11", "w1", "fish", "")
            + "\n"
            + rec("k2", "p3", "i11", "w2", "dog", "")
            + "\n");
    String once = rec("u1", "p1", "i12", "w1", "cat", "");
    Files.writeString(c.resolve("duplicate.jsonl"), once + "\n" + once + "\n");
    Files.writeString(
        c.resolve("revision-keys.jsonl"),
        rec("v1", "p1", "i13", "w1", "cat", ",\"revision\":1")
            + "\n"
            + rec("v1", "p1", "i13", "w1", "dog", ",\"revision\":2")
            + "\n"
            + rec(
                "v2",
                "p1",
                "i14",
                "w1",
                "cat",
                ",\"revision\":1,\"submitted_at\":\"2026-01-02T09:00:00Z\"")
            + "\n"
            + rec(
                "v2",
                "p1",
                "i14",
                "w1",
                "dog",
                ",\"revision\":1,\"submitted_at\":\"2026-01-02T10:00:00Z\"")
            + "\n");
    // partly readable: the rows before the damage are kept, the rest is one UNREADABLE_FILE row
    gzipTruncated(c.resolve("cut.jsonl.gz"));
    arrowTruncated(c.resolve("cut.arrow"));
    return c;
  }

  /** 200 good lines, gzipped, cut in the middle of the compressed stream. */
  private static void gzipTruncated(Path file) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      for (int i = 0; i < 2000; i++) {
        gz.write(
            (rec("z" + i, "p1", "i" + i, "w" + (i * 7919 % 1000), "l" + (i * 31 % 97), "") + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] all = bytes.toByteArray();
    Files.write(file, Arrays.copyOf(all, all.length / 2));
  }

  /** Two record batches of 3 rows, cut inside the second: no footer, the first batch readable. */
  private static void arrowTruncated(Path file) throws IOException {
    Schema schema =
        new Schema(
            List.of("annotation_id", "project_id", "item_id", "worker_id", "label").stream()
                .map(n -> Field.nullable(n, ArrowType.Utf8.INSTANCE))
                .toList());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long firstBatchEnd;
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(bytes))) {
      writer.start();
      for (int batch = 0; batch < 2; batch++) {
        root.allocateNew();
        for (int r = 0; r < 3; r++) {
          String n = "f" + batch + r;
          String[] values = {n, "p1", "i" + n, "w" + r, "cat"};
          for (int v = 0; v < values.length; v++) {
            ((VarCharVector) root.getVector(v))
                .setSafe(r, values[v].getBytes(StandardCharsets.UTF_8));
          }
        }
        root.setRowCount(3);
        writer.writeBatch();
      }
      firstBatchEnd =
          writer.getRecordBlocks().get(0).getOffset()
              + writer.getRecordBlocks().get(0).getMetadataLength()
              + writer.getRecordBlocks().get(0).getBodyLength();
      writer.end();
    }
    Files.write(file, Arrays.copyOf(bytes.toByteArray(), (int) firstBatchEnd + 40));
  }

  private CliRun ingest(String root, Path source, String... more) {
    String[] base = {"ingest", "--lakehouse", root, "--source", source.toString()};
    String[] args = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return CliRun.of(args);
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  @Test
  void everyFileAndEveryRecordEndsInItsPlaceAndNoFileStopsTheOthers() throws Exception {
    Path corpus = corpus();
    String root = dir.resolve("lh").toString();
    Path schema = dir.resolve("schema");
    Files.createDirectories(schema);
    Files.writeString(
        schema.resolve("p3.jsonl"),
        "{\"project_id\":\"p3\",\"label_type\":\"categorical\",\"labels\":\"[\\\"cat\\\",\\\"dog\\\"]\"}\n");
    assertThat(ingest(root, schema, "--kind", "schema").code()).isZero();
    CliRun run = ingest(root, corpus);
    assertThat(run.code()).as(run.err()).isZero();
    Lakehouse lh = new Lakehouse(spark, root, "annolake");

    // every file has its outcome
    Map<String, String> files = new TreeMap<>();
    for (Row r :
        lh.read(Tables.INGESTED_FILES).where(col("status").notEqual("PENDING")).collectAsList()) {
      String reason = r.getAs("reason_code");
      files.put(
          name(r.getAs("file_path")),
          r.<String>getAs("status") + (reason == null ? "" : " " + reason));
    }
    assertThat(files)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("good.jsonl", "INGESTED"),
                Map.entry("other-project.jsonl", "INGESTED"),
                Map.entry("row-ids-1.csv", "INGESTED"),
                Map.entry("row-ids-2.csv", "INGESTED"),
                Map.entry("notes.txt", "REJECTED UNSUPPORTED_FORMAT"),
                Map.entry("packed.jsonl.bz2", "REJECTED UNSUPPORTED_FORMAT"),
                Map.entry("broken.parquet", "REJECTED UNREADABLE_FILE"),
                Map.entry("not-gzip.jsonl.gz", "REJECTED UNREADABLE_FILE"),
                Map.entry("no-header.csv", "REJECTED MISSING_HEADER"),
                Map.entry("ambiguous.csv", "REJECTED AMBIGUOUS_COLUMNS"),
                Map.entry("latin1-header.csv", "REJECTED INVALID_ENCODING"),
                Map.entry("ambiguous.jsonl", "INGESTED"),
                Map.entry("latin1.jsonl", "INGESTED"),
                Map.entry("revisions.jsonl", "INGESTED"),
                Map.entry("duplicate-key.jsonl", "INGESTED"),
                Map.entry("missing-field.jsonl", "INGESTED"),
                Map.entry("impossible-time.jsonl", "INGESTED"),
                Map.entry("unknown-label.jsonl", "INGESTED"),
                Map.entry("duplicate.jsonl", "INGESTED"),
                Map.entry("revision-keys.jsonl", "INGESTED"),
                Map.entry("cut.jsonl.gz", "INGESTED"),
                Map.entry("cut.arrow", "INGESTED"),
                Map.entry("p3.jsonl", "INGESTED")));
    assertThat(run.out()).contains("rejected files: 7").contains("no-header.csv: MISSING_HEADER");

    // every record has its place: rejects by file and reason
    Map<String, Long> rejects = new TreeMap<>();
    for (Row r :
        lh.read(Tables.REJECTED_RECORDS)
            .groupBy("source_file", "reason_code")
            .count()
            .collectAsList()) {
      rejects.put(name(r.getString(0)) + " " + r.getString(1), r.getLong(2));
    }
    assertThat(rejects)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("ambiguous.jsonl AMBIGUOUS_COLUMNS", 1L),
                Map.entry("latin1.jsonl INVALID_ENCODING", 1L),
                Map.entry("revisions.jsonl INVALID_VALUE", 3L),
                Map.entry("duplicate-key.jsonl MALFORMED_RECORD", 1L),
                Map.entry("missing-field.jsonl MISSING_REQUIRED_FIELD", 1L),
                Map.entry("impossible-time.jsonl IMPOSSIBLE_TIMESTAMP", 1L),
                Map.entry("unknown-label.jsonl UNKNOWN_LABEL", 1L),
                Map.entry("duplicate.jsonl DUPLICATE_RECORD", 1L),
                Map.entry("revision-keys.jsonl SUPERSEDED_REVISION", 1L),
                Map.entry("revision-keys.jsonl CONFLICTING_REVISION", 1L),
                Map.entry("cut.jsonl.gz UNREADABLE_FILE", 1L),
                Map.entry("cut.arrow UNREADABLE_FILE", 1L)));
    // silver by file: both projects keep annotation a1; row-number ids did not collide
    Map<String, Long> silver = new TreeMap<>();
    for (Row r : lh.read(Tables.ANNOTATIONS).groupBy("source_file").count().collectAsList()) {
      silver.put(name(r.getString(0)), r.getLong(1));
    }
    long cutLines = silver.getOrDefault("cut.jsonl.gz", 0L);
    assertThat(cutLines).isBetween(1L, 1999L);
    silver.remove("cut.jsonl.gz");
    assertThat(silver)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("good.jsonl", 2L),
                Map.entry("other-project.jsonl", 1L),
                Map.entry("row-ids-1.csv", 2L),
                Map.entry("row-ids-2.csv", 2L),
                Map.entry("ambiguous.jsonl", 1L),
                Map.entry("latin1.jsonl", 1L),
                Map.entry("revisions.jsonl", 1L),
                Map.entry("unknown-label.jsonl", 1L),
                Map.entry("duplicate.jsonl", 1L),
                Map.entry("revision-keys.jsonl", 2L),
                Map.entry("cut.arrow", 3L)));
    assertThat(
            lh.read(Tables.ANNOTATIONS)
                .where(col("annotation_id").equalTo("a1"))
                .select("project_id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder("p1", "p2");
    assertThat(
            lh.read(Tables.ANNOTATIONS)
                .where(col("source_file").endsWith("csv"))
                .where(col("annotation_id").startsWith("gen-"))
                .count())
        .isEqualTo(4);
    // the counting invariant per file: read = ingested + rejected, and rejects match the file log
    Map<String, Long> rejectedPerFile = new TreeMap<>();
    rejects.forEach(
        (fileAndReason, n) -> rejectedPerFile.merge(fileAndReason.split(" ")[0], n, Long::sum));
    for (Row r :
        lh.read(Tables.INGESTED_FILES).where(col("status").equalTo("INGESTED")).collectAsList()) {
      long rejected = rejectedPerFile.getOrDefault(name(r.getAs("file_path")), 0L);
      assertThat(r.<Long>getAs("records_rejected"))
          .as(r.<String>getAs("file_path"))
          .isEqualTo(rejected);
      assertThat(r.<Long>getAs("records_read"))
          .isEqualTo(r.<Long>getAs("records_ingested") + rejected);
    }
    String arrowDetail =
        lh.read(Tables.REJECTED_RECORDS)
            .where(col("source_file").endsWith("cut.arrow"))
            .head()
            .getAs("detail");
    assertThat(arrowDetail).contains("3 rows");

    // a rerun skips every file, rejected ones included, and still names the rejected ones
    CliRun again = ingest(root, corpus);
    assertThat(again.code()).isZero();
    assertThat(again.out())
        .contains("0 new files (22 already ingested, skipped)")
        .contains("files rejected by an earlier run, still under the source: 7");
    // configured to fail on rejected files: exit 1, nothing written
    long version = lh.version(Tables.INGESTED_FILES);
    CliRun strict = ingest(root, corpus, "--fail-on-rejected-files");
    assertThat(strict.code()).isEqualTo(1);
    assertThat(strict.err()).contains("annolake.ingest.fail-on-rejected-files");
    assertThat(lh.version(Tables.INGESTED_FILES)).isEqualTo(version);
  }

  @Test
  void aParquetFileWithDamagedPagesKeepsWhatCouldBeReadAndCountsTheRest() throws Exception {
    Path written = dir.resolve("written");
    spark
        .sql(
            "SELECT 'a' || id AS annotation_id, 'p1' AS project_id, 'i' || (id % 50) AS item_id, 'w' || (id % 7) AS worker_id,"
                + " sha2(CAST(id AS STRING), 256) AS label FROM range(3000)")
        .coalesce(1)
        .write()
        .option("parquet.block.size", "16384")
        .parquet(written.toString());
    Path part;
    try (var files = Files.list(written)) {
      part =
          files
              .filter(f -> f.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(part);
    Arrays.fill(bytes, bytes.length / 2, bytes.length / 2 + 4096, (byte) 0xFF);
    Path source = dir.resolve("damaged");
    Files.createDirectories(source);
    Files.write(source.resolve("damaged.parquet"), bytes);

    String root = dir.resolve("lh-parquet").toString();
    CliRun run = ingest(root, source);
    assertThat(run.code()).as(run.err()).isZero();
    Lakehouse lh = new Lakehouse(spark, root, "annolake");
    long silver = lh.read(Tables.ANNOTATIONS).count();
    List<Row> rejects = lh.read(Tables.REJECTED_RECORDS).collectAsList();
    assertThat(rejects).hasSize(1);
    assertThat(rejects.get(0).<String>getAs("reason_code")).isEqualTo("UNREADABLE_FILE");
    String detail = rejects.get(0).getAs("detail");
    long lost = Long.parseLong(detail.substring(0, detail.indexOf(' ')));
    assertThat(detail).contains(" of 3000 rows could not be read");
    assertThat(lost).isPositive();
    assertThat(silver + lost).isEqualTo(3000);
    Row file = lh.read(Tables.INGESTED_FILES).where(col("status").equalTo("INGESTED")).head();
    assertThat(file.<Long>getAs("records_rejected")).isEqualTo(1);
    assertThat(file.<Long>getAs("records_ingested")).isEqualTo(silver);
  }

  @Test
  void theEncodingIsASettingOfTheSource() throws Exception {
    Path source = dir.resolve("latin");
    Files.createDirectories(source);
    Files.write(
        source.resolve("labels.jsonl"),
        (rec("c1", "p1", "i3", "w1", "caf\u00e9", "")
                + "\n"
                + rec("c2", "p1", "i3", "w2", "cafe", "")
                + "\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    String root = dir.resolve("lh-latin").toString();
    CliRun run = ingest(root, source, "--encoding", "ISO-8859-1");
    assertThat(run.code()).as(run.err()).isZero();
    Lakehouse lh = new Lakehouse(spark, root, "annolake");
    // two labels that UTF-8 replacement would have made one stay two
    assertThat(
            lh.read(Tables.ANNOTATIONS)
                .select("label")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder("caf\u00e9", "cafe");
    CliRun utf16 = ingest(root, source, "--encoding", "UTF-16");
    assertThat(utf16.code()).isEqualTo(2);
    assertThat(utf16.err()).contains("annolake.ingest.encoding");
  }
}
