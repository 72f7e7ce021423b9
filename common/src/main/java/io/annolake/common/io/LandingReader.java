package io.annolake.common.io;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.annolake.common.privacy.Redaction;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.ReasonCode;
import io.annolake.common.schema.RecordKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.SeekableReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Reads landing files of any {@link LandingFormat} into the landing schema of a {@link RecordKind}:
 * the kind's canonical fields as strings (null when absent), the source file and position, the raw
 * record, and whether it was malformed. Nothing is dropped: a line that does not parse comes out
 * with {@code malformed = true} and its raw text; a part of a file that cannot be read comes out as
 * one malformed marker row saying which part and how many rows, when known.
 *
 * <p>{@link #check} looks at each file before it is read (header, footer, schema) and names the
 * files that cannot be read at all, with a reason code; those are left out of {@link #read}.
 *
 * <p>A malformed row's detail starts with a reason code and ": " when the problem is not a plain
 * parse error ({@code INVALID_ENCODING}, {@code AMBIGUOUS_COLUMNS}, {@code UNREADABLE_FILE});
 * validation turns it into that reason ({@link #reasonOf}).
 *
 * <p>Text formats are read line by line (multi-line quoted CSV fields are not supported); the
 * position is the line's byte offset. For Parquet and Arrow it is the row index in the file.
 */
public final class LandingReader {
  private LandingReader() {}

  /** Why a whole file is rejected before reading. */
  public record FileProblem(ReasonCode code, String detail) {}

  /**
   * What {@link #check} found: files that cannot be read (by path) and, for Parquet files, the rows
   * their footers promise (to count rows a damaged file could not give).
   */
  public record Checked(Map<String, FileProblem> problems, Map<String, Long> expectedRows) {
    /** The files that can be read. */
    public List<LandingFile> readable(List<LandingFile> files) {
      return files.stream().filter(f -> !problems.containsKey(f.path())).toList();
    }
  }

  /** Reads the files (of any mix of formats) as UTF-8 text. */
  public static Dataset<Row> read(SparkSession spark, RecordKind kind, List<LandingFile> files) {
    return read(spark, kind, files, StandardCharsets.UTF_8);
  }

  /**
   * Reads the files (of any mix of formats) into one DataFrame of the kind's landing schema; text
   * files are decoded with {@code encoding} (binary formats carry UTF-8 strings by definition).
   */
  public static Dataset<Row> read(
      SparkSession spark, RecordKind kind, List<LandingFile> files, Charset encoding) {
    StructType schema = Columns.landingSchema(kind);
    Dataset<Row> all = spark.createDataFrame(List.of(), schema);
    Map<LandingFormat, List<LandingFile>> byFormat = new TreeMap<>();
    // files that name no format are not landing data: check() gives them their reason
    files.stream()
        .filter(f -> f.format() != null && f.problem() == null)
        .forEach(f -> byFormat.computeIfAbsent(f.format(), k -> new ArrayList<>()).add(f));
    for (Map.Entry<LandingFormat, List<LandingFile>> e : byFormat.entrySet()) {
      Dataset<Row> part =
          switch (e.getKey()) {
            case JSON, CSV -> readText(spark, kind, e.getValue(), e.getKey(), encoding);
            case PARQUET -> readParquet(spark, kind, e.getValue());
            case ARROW -> readArrow(spark, kind, e.getValue());
          };
      all = all.unionByName(part);
    }
    // the path is stored in bronze and rejected_records: never with the credentials of its URI
    return all.withColumn(Columns.SOURCE_FILE, Redaction.uri(col(Columns.SOURCE_FILE)));
  }

  /** The reason code a malformed row's detail names, else MALFORMED_RECORD. */
  public static Column reasonOf(Column detail) {
    Column named = lit(null).cast("string");
    for (ReasonCode code :
        List.of(
            ReasonCode.INVALID_ENCODING,
            ReasonCode.AMBIGUOUS_COLUMNS,
            ReasonCode.UNREADABLE_FILE)) {
      named = when(detail.startsWith(code.name() + ": "), lit(code.name())).otherwise(named);
    }
    return coalesce(named, lit(ReasonCode.MALFORMED_RECORD.name()));
  }

  private static String tagged(ReasonCode code, String detail) {
    return code.name() + ": " + detail;
  }

  // ---------------------------------------------------------------- checks before reading

  /**
   * Looks at each file's header (CSV), footer (Parquet) or schema (Arrow), and at the first line of
   * text files (so a file that is not what its name says, e.g. a broken gzip, is found here). Reads
   * a few bytes per file on the driver; files listed with a problem are rejected as they are.
   */
  public static Checked check(
      SparkSession spark, RecordKind kind, List<LandingFile> files, Charset encoding) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, FileProblem> problems = new LinkedHashMap<>();
    Map<String, Long> expected = new HashMap<>();
    for (LandingFile f : files) {
      FileProblem problem;
      if (f.problem() != null) {
        problem =
            new FileProblem(
                f.format() == null ? ReasonCode.UNSUPPORTED_FORMAT : ReasonCode.UNREADABLE_FILE,
                f.problem());
      } else {
        try {
          problem =
              switch (f.format()) {
                case JSON -> checkText(hadoop, new Path(f.path()), encoding, null);
                case CSV -> checkText(hadoop, new Path(f.path()), encoding, kind);
                case PARQUET -> checkParquet(hadoop, kind, f, expected);
                case ARROW -> checkArrow(hadoop, kind, f);
              };
        } catch (IOException | RuntimeException e) {
          problem = new FileProblem(ReasonCode.UNREADABLE_FILE, "cannot be read: " + e);
        }
      }
      if (problem != null) {
        problems.put(f.path(), problem);
      }
    }
    return new Checked(problems, expected);
  }

  /** Field names that map to the same canonical field, as a problem; null when none do. */
  static FileProblem ambiguity(RecordKind kind, List<String> names) {
    Map<String, List<String>> byField = new TreeMap<>();
    for (String n : names) {
      String canonical = n == null ? null : kind.canonical(n);
      if (canonical != null) {
        byField.computeIfAbsent(canonical, k -> new ArrayList<>()).add(n);
      }
    }
    List<String> clashes = new ArrayList<>();
    byField.forEach(
        (field, sources) -> {
          if (sources.size() > 1) {
            clashes.add(sources + " all map to " + field);
          }
        });
    return clashes.isEmpty()
        ? null
        : new FileProblem(ReasonCode.AMBIGUOUS_COLUMNS, String.join("; ", clashes));
  }

  /**
   * Reads the first line (through the compression codec); for CSV (kind given) checks the header.
   */
  private static FileProblem checkText(
      Configuration hadoop, Path path, Charset encoding, RecordKind csvKind) throws IOException {
    byte[] first = firstLine(hadoop, path);
    if (first == null) {
      return null; // an empty file: no records
    }
    String line;
    try {
      line = decoder(encoding).decode(ByteBuffer.wrap(first)).toString();
    } catch (CharacterCodingException e) {
      return csvKind == null
          ? null
          : new FileProblem(
              ReasonCode.INVALID_ENCODING, "the header is not valid " + encoding.name());
    }
    if (csvKind == null) {
      return null; // JSON lines are checked one by one
    }
    line = stripBom(line);
    String[] header = newCsvParser(delimiter(path.getName())).parseLine(line);
    List<String> names = header == null ? List.of() : Arrays.asList(header);
    if (names.stream().noneMatch(n -> n != null && csvKind.canonical(n) != null)) {
      return new FileProblem(
          ReasonCode.MISSING_HEADER,
          "the first line names none of the "
              + csvKind.cliName()
              + " fields "
              + csvKind.fields()
              + " (or their aliases): "
              + abbreviate(line));
    }
    return ambiguity(csvKind, names);
  }

  private static byte[] firstLine(Configuration hadoop, Path path) throws IOException {
    FileSystem fs = path.getFileSystem(hadoop);
    var codec = new CompressionCodecFactory(hadoop).getCodec(path);
    try (FSDataInputStream raw = fs.open(path);
        InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        out.write(b);
        if (out.size() > (1 << 20)) {
          break;
        }
      }
      if (b == -1 && out.size() == 0) {
        return null;
      }
      byte[] bytes = out.toByteArray();
      int n = bytes.length;
      return n > 0 && bytes[n - 1] == '\r' ? Arrays.copyOf(bytes, n - 1) : bytes;
    }
  }

  private static FileProblem checkParquet(
      Configuration hadoop, RecordKind kind, LandingFile f, Map<String, Long> expected)
      throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(new Path(f.path()), hadoop))) {
      long rows = reader.getFooter().getBlocks().stream().mapToLong(b -> b.getRowCount()).sum();
      expected.put(f.path(), rows);
      List<String> names =
          reader.getFooter().getFileMetaData().getSchema().getFields().stream()
              .map(t -> t.getName())
              .toList();
      return ambiguity(kind, names);
    } catch (IOException | RuntimeException e) {
      return new FileProblem(
          ReasonCode.UNREADABLE_FILE, "not a readable Parquet file (footer): " + e.getMessage());
    }
  }

  private static FileProblem checkArrow(Configuration hadoop, RecordKind kind, LandingFile f)
      throws IOException {
    Path path = new Path(f.path());
    BufferAllocator allocator = new RootAllocator();
    try (FSDataInputStream in = path.getFileSystem(hadoop).open(path)) {
      Schema schema;
      ArrowFileReader reader =
          new ArrowFileReader(new SeekableReadChannel(new HadoopChannel(in, f.size())), allocator);
      try {
        schema = reader.getVectorSchemaRoot().getSchema();
      } catch (IOException | RuntimeException footer) {
        // no footer (truncated): the stream after the magic may still give its first batches
        ArrowStreamReader stream = new ArrowStreamReader((InputStream) in, allocator);
        try {
          in.seek(ARROW_STREAM_START);
          schema = stream.getVectorSchemaRoot().getSchema();
        } catch (IOException | RuntimeException e) {
          return new FileProblem(
              ReasonCode.UNREADABLE_FILE, "not a readable Arrow IPC file: " + footer.getMessage());
        } finally {
          closeQuietly(stream);
        }
      } finally {
        closeQuietly(reader);
      }
      return ambiguity(kind, schema.getFields().stream().map(Field::getName).toList());
    } finally {
      closeQuietly(allocator);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }

  private static String stripBom(String line) {
    return !line.isEmpty() && line.charAt(0) == '\uFEFF' ? line.substring(1) : line;
  }

  static CharsetDecoder decoder(Charset encoding) {
    return encoding
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  // ---------------------------------------------------------------- text: JSON Lines and CSV

  private static Dataset<Row> readText(
      SparkSession spark,
      RecordKind kind,
      List<LandingFile> files,
      LandingFormat format,
      Charset encoding) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = new Configuration(jsc.hadoopConfiguration());
    Map<String, String[]> headers = new HashMap<>();
    Path[] paths = new Path[files.size()];
    for (int i = 0; i < files.size(); i++) {
      paths[i] = new Path(files.get(i).path());
      if (format == LandingFormat.CSV) {
        headers.put(files.get(i).path(), csvHeader(hadoop, paths[i], encoding));
      }
    }
    try {
      Job job = Job.getInstance(hadoop);
      FileInputFormat.setInputPaths(job, paths);
      hadoop = job.getConfiguration();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    @SuppressWarnings("unchecked")
    JavaNewHadoopRDD<LongWritable, Text> lines =
        (JavaNewHadoopRDD<LongWritable, Text>)
            jsc.newAPIHadoopRDD(hadoop, TextInputFormat.class, LongWritable.class, Text.class);
    Broadcast<Map<String, String[]>> headerBroadcast = jsc.broadcast(headers);
    List<String> fields = kind.fields();
    String charset = encoding.name();
    JavaRDD<Row> rows =
        lines.mapPartitionsWithInputSplit(
            (split, it) -> {
              String file = ((FileSplit) split).getPath().toString();
              LineParser parser =
                  format == LandingFormat.JSON
                      ? new JsonLineParser(kind)
                      : new CsvLineParser(kind, headerBroadcast.value().get(file), file);
              return parseLines(it, file, format, fields.size(), parser, Charset.forName(charset));
            },
            false);
    return spark.createDataFrame(rows, Columns.landingSchema(kind));
  }

  private static Iterator<Row> parseLines(
      Iterator<Tuple2<LongWritable, Text>> it,
      String file,
      LandingFormat format,
      int fieldCount,
      LineParser parser,
      Charset encoding) {
    String formatName = format.cliName();
    CharsetDecoder decoder = decoder(encoding);
    return new Iterator<>() {
      private long lastOffset = -1;
      private boolean broken;
      private Row next = advance();

      private Row advance() {
        while (!broken) {
          Tuple2<LongWritable, Text> t;
          try {
            if (!it.hasNext()) {
              return null;
            }
            t = it.next();
          } catch (Exception e) { // Hadoop's IOException arrives unchecked through Scala
            // a damaged compressed stream: what was read stays, the rest is one marker row
            broken = true;
            return row(
                Math.max(0, lastOffset + 1),
                null,
                tagged(
                    ReasonCode.UNREADABLE_FILE,
                    "the rest of the file after byte offset "
                        + Math.max(0, lastOffset)
                        + " could not be read (rows unknown): "
                        + e.getMessage()),
                null);
          }
          long offset = t._1().get();
          lastOffset = offset;
          Text text = t._2();
          String line;
          String problem = null;
          try {
            line = decoder.decode(ByteBuffer.wrap(text.getBytes(), 0, text.getLength())).toString();
          } catch (CharacterCodingException e) {
            line = new String(text.getBytes(), 0, text.getLength(), encoding);
            problem =
                tagged(
                    ReasonCode.INVALID_ENCODING,
                    "the line has bytes that are not valid " + encoding.name());
          }
          if (offset == 0) {
            line = stripBom(line);
          }
          if (line.isBlank() || (format == LandingFormat.CSV && offset == 0)) {
            continue; // blank lines and the CSV header are not records
          }
          Object[] values = new Object[fieldCount];
          if (problem == null) {
            problem = parser.parse(line, values);
          }
          return row(offset, line, problem, values);
        }
        return null;
      }

      private Row row(long offset, String line, String problem, Object[] parsed) {
        Object[] values = new Object[fieldCount + 6];
        if (parsed != null && problem == null) {
          System.arraycopy(parsed, 0, values, 0, fieldCount);
        }
        values[fieldCount] = file;
        values[fieldCount + 1] = offset;
        values[fieldCount + 2] = formatName;
        values[fieldCount + 3] = line;
        values[fieldCount + 4] = problem != null;
        values[fieldCount + 5] = problem;
        return RowFactory.create(values);
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Row next() {
        Row r = next;
        next = advance();
        return r;
      }
    };
  }

  private static String[] csvHeader(Configuration hadoop, Path path, Charset encoding) {
    try {
      byte[] first = firstLine(hadoop, path);
      if (first == null) {
        return new String[0];
      }
      String[] header =
          newCsvParser(delimiter(path.getName())).parseLine(stripBom(new String(first, encoding)));
      return header == null ? new String[0] : header;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the header of " + path, e);
    }
  }

  static char delimiter(String fileName) {
    String n = fileName.toLowerCase();
    return n.endsWith(".tsv") || n.endsWith(".tsv.gz") ? '\t' : ',';
  }

  static CsvParser newCsvParser(char delimiter) {
    CsvParserSettings settings = new CsvParserSettings();
    settings.getFormat().setDelimiter(delimiter);
    settings.getFormat().setLineSeparator("\n");
    settings.setNullValue(null);
    settings.setEmptyValue(null);
    settings.setMaxCharsPerColumn(1 << 20);
    settings.setMaxColumns(4096);
    return new CsvParser(settings);
  }

  /** Parses one line into the kind's canonical fields; returns a problem or null. */
  private interface LineParser {
    String parse(String line, Object[] values);
  }

  private static final class JsonLineParser implements LineParser {
    // a key given twice in one object is an error, not "the last one wins"
    private final ObjectMapper mapper =
        new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private final RecordKind kind;

    JsonLineParser(RecordKind kind) {
      this.kind = kind;
    }

    @Override
    public String parse(String line, Object[] values) {
      JsonNode node;
      try {
        node = mapper.readTree(line);
      } catch (JsonProcessingException e) {
        return "invalid JSON: " + e.getOriginalMessage();
      }
      if (node == null || !node.isObject()) {
        return "not a JSON object";
      }
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      FileProblem ambiguous = ambiguity(kind, keys);
      if (ambiguous != null) {
        return tagged(ReasonCode.AMBIGUOUS_COLUMNS, ambiguous.detail());
      }
      fillFromJson(kind, node, values);
      return null;
    }
  }

  static void fillFromJson(RecordKind kind, JsonNode node, Object[] values) {
    List<String> fields = kind.fields();
    node.fields()
        .forEachRemaining(
            e -> {
              String canonical = kind.canonical(e.getKey());
              if (canonical != null) {
                JsonNode v = e.getValue();
                values[fields.indexOf(canonical)] =
                    v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
              }
            });
  }

  private static final class CsvLineParser implements LineParser {
    private final CsvParser parser;
    private final int[] targets;

    CsvLineParser(RecordKind kind, String[] header, String file) {
      this.parser = newCsvParser(delimiter(file));
      this.targets = new int[header.length];
      for (int i = 0; i < header.length; i++) {
        String canonical = header[i] == null ? null : kind.canonical(header[i]);
        targets[i] = canonical == null ? -1 : kind.fields().indexOf(canonical);
      }
    }

    @Override
    public String parse(String line, Object[] values) {
      String[] tokens;
      try {
        tokens = parser.parseLine(line);
      } catch (RuntimeException e) {
        return "invalid CSV: " + e.getMessage().lines().findFirst().orElse("");
      }
      if (tokens == null || tokens.length != targets.length) {
        return "expected "
            + targets.length
            + " fields, found "
            + (tokens == null ? 0 : tokens.length);
      }
      for (int i = 0; i < tokens.length; i++) {
        if (targets[i] >= 0) {
          values[targets[i]] = tokens[i];
        }
      }
      return null;
    }
  }

  // ---------------------------------------------------------------- Parquet

  /**
   * Parquet through Spark's vectorized reader, one read per distinct file schema (files whose
   * column types differ would not merge). {@code ignoreCorruptFiles} keeps the rows read before a
   * damaged page instead of failing the job; the job compares rows read with the footer's count
   * ({@link Checked#expectedRows}) and rejects the difference as UNREADABLE_FILE.
   */
  private static Dataset<Row> readParquet(
      SparkSession spark, RecordKind kind, List<LandingFile> files) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, List<String>> bySchema = new TreeMap<>();
    for (LandingFile f : files) {
      String schema;
      try (ParquetFileReader reader =
          ParquetFileReader.open(HadoopInputFile.fromPath(new Path(f.path()), hadoop))) {
        schema = reader.getFooter().getFileMetaData().getSchema().toString();
      } catch (IOException | RuntimeException e) {
        schema = ""; // checked before; a file damaged since fails its own group only
      }
      bySchema.computeIfAbsent(schema, k -> new ArrayList<>()).add(f.path());
    }
    Dataset<Row> all = spark.createDataFrame(List.of(), Columns.landingSchema(kind));
    for (List<String> group : bySchema.values()) {
      all = all.unionByName(readParquetGroup(spark, kind, group.toArray(String[]::new)));
    }
    return all;
  }

  private static Dataset<Row> readParquetGroup(
      SparkSession spark, RecordKind kind, String[] paths) {
    Dataset<Row> df = spark.read().option("ignoreCorruptFiles", "true").parquet(paths);
    Map<String, List<Column>> sources = new HashMap<>();
    for (String c : df.columns()) {
      String canonical = kind.canonical(c);
      if (canonical != null) {
        sources
            .computeIfAbsent(canonical, k -> new ArrayList<>())
            .add(col("`" + c + "`").cast("string"));
      }
    }
    List<Column> out = new ArrayList<>();
    for (String f : kind.fields()) {
      List<Column> c = sources.get(f);
      Column value =
          c == null
              ? lit(null).cast("string")
              : c.size() == 1 ? c.get(0) : coalesce(c.toArray(Column[]::new));
      out.add(value.as(f));
    }
    Column[] all = new Column[df.columns().length];
    for (int i = 0; i < all.length; i++) {
      all[i] = col("`" + df.columns()[i] + "`");
    }
    out.add(col("_metadata.file_path").as(Columns.SOURCE_FILE));
    out.add(col("_metadata.row_index").as(Columns.SOURCE_POSITION));
    out.add(lit(LandingFormat.PARQUET.cliName()).as(Columns.SOURCE_FORMAT));
    out.add(to_json(struct(all)).as(Columns.RAW_RECORD));
    out.add(lit(false).as(Columns.MALFORMED));
    out.add(lit(null).cast("string").as(Columns.MALFORMED_DETAIL));
    return df.select(out.toArray(Column[]::new));
  }

  /**
   * Marker rows for Parquet files that gave fewer rows than their footers promise: one rejected row
   * per file, at the first row index missing, whose detail gives how many rows were lost.
   *
   * @param readPerFile rows read per file path (as {@code source_file} spells it)
   */
  public static List<Row> shortfalls(
      RecordKind kind, Map<String, Long> expectedRows, Map<String, Long> readPerFile) {
    List<Row> out = new ArrayList<>();
    int n = kind.fields().size();
    expectedRows.forEach(
        (path, expected) -> {
          long read = readPerFile.getOrDefault(normalize(path), 0L);
          if (read < expected) {
            Object[] values = new Object[n + 6];
            values[n] = path;
            values[n + 1] = read;
            values[n + 2] = LandingFormat.PARQUET.cliName();
            values[n + 3] = null;
            values[n + 4] = true;
            values[n + 5] =
                tagged(
                    ReasonCode.UNREADABLE_FILE,
                    (expected - read)
                        + " of "
                        + expected
                        + " rows could not be read (damaged pages); "
                        + read
                        + " were read");
            out.add(RowFactory.create(values));
          }
        });
    return out;
  }

  /** Readers spell file URIs differently (file:/x, file:///x); compare by path. */
  public static String normalize(String path) {
    return new Path(path).toUri().getPath();
  }

  // ---------------------------------------------------------------- Arrow IPC (file format)

  private static Dataset<Row> readArrow(
      SparkSession spark, RecordKind kind, List<LandingFile> files) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<String> paths = files.stream().map(LandingFile::path).toList();
    Map<String, String> hadoopConf = new HashMap<>();
    jsc.hadoopConfiguration().forEach(e -> hadoopConf.put(e.getKey(), e.getValue()));
    JavaRDD<Row> rows =
        jsc.parallelize(paths, Math.max(1, paths.size()))
            .flatMap(path -> readArrowFile(kind, path, hadoopConf).iterator());
    return spark.createDataFrame(rows, Columns.landingSchema(kind));
  }

  /**
   * Where the IPC stream starts inside an Arrow file: after the magic "ARROW1" and 2 bytes of
   * padding.
   */
  private static final long ARROW_STREAM_START = 8;

  /**
   * Reads one Arrow IPC file batch by batch. A batch that cannot be read becomes one marker row
   * (its row count when its metadata is readable) and reading goes on with the next batch; a file
   * without a footer (truncated) is read as a stream from its start until the damage, and the rest
   * becomes one marker row.
   */
  private static List<Row> readArrowFile(RecordKind kind, String file, Map<String, String> conf) {
    Configuration hadoop = new Configuration(false);
    conf.forEach(hadoop::set);
    List<Row> out = new ArrayList<>();
    ArrowRows rows = new ArrowRows(kind, file, out);
    Path path = new Path(file);
    BufferAllocator allocator = new RootAllocator();
    try (FSDataInputStream in = path.getFileSystem(hadoop).open(path)) {
      long size = path.getFileSystem(hadoop).getFileStatus(path).getLen();
      List<ArrowBlock> blocks;
      ArrowFileReader reader =
          new ArrowFileReader(new SeekableReadChannel(new HadoopChannel(in, size)), allocator);
      try {
        blocks = reader.getRecordBlocks();
      } catch (IOException | RuntimeException noFooter) {
        closeQuietly(reader);
        readArrowStream(in, allocator, rows, noFooter);
        return out;
      }
      try {
        for (int b = 0; b < blocks.size(); b++) {
          ArrowBlock block = blocks.get(b);
          try {
            reader.loadRecordBatch(block);
            rows.add(reader.getVectorSchemaRoot());
          } catch (IOException | RuntimeException e) {
            long count = batchLength(in, block);
            rows.marker(
                "record batch "
                    + (b + 1)
                    + " of "
                    + blocks.size()
                    + " could not be read ("
                    + (count >= 0 ? count + " rows" : "rows unknown")
                    + "): "
                    + e.getMessage());
            rows.position += Math.max(count, 0);
          }
        }
      } finally {
        reader.close();
      }
    } catch (IOException | RuntimeException e) {
      rows.marker(
          "could not be read from row " + rows.position + " on (rows unknown): " + e.getMessage());
    } finally {
      closeQuietly(allocator);
    }
    return out;
  }

  /** Closing after a damaged read may report buffers the reader left behind: nothing to do then. */
  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // the rows read are complete; a leak report here says nothing about them
    }
  }

  private static void readArrowStream(
      FSDataInputStream in, BufferAllocator allocator, ArrowRows rows, Exception noFooter)
      throws IOException {
    in.seek(ARROW_STREAM_START);
    try (ArrowStreamReader stream = new ArrowStreamReader((InputStream) in, allocator)) {
      while (stream.loadNextBatch()) {
        rows.add(stream.getVectorSchemaRoot());
      }
      rows.marker(
          "the file has no footer ("
              + noFooter.getMessage()
              + "); its stream ended after "
              + rows.position
              + " rows");
    } catch (IOException | RuntimeException e) {
      rows.marker(
          "the file is truncated: "
              + rows.position
              + " rows were read, the rest (rows unknown) could not be: "
              + e.getMessage());
    }
  }

  /** The row count a record batch's metadata declares, or -1 when that cannot be read either. */
  private static long batchLength(FSDataInputStream in, ArrowBlock block) {
    try {
      in.seek(block.getOffset());
      MessageMetadataResult meta =
          MessageSerializer.readMessage(new ReadChannel(java.nio.channels.Channels.newChannel(in)));
      if (meta == null) {
        return -1;
      }
      org.apache.arrow.flatbuf.RecordBatch batch = new org.apache.arrow.flatbuf.RecordBatch();
      meta.getMessage().header(batch);
      return batch.length();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Collects landing rows of one Arrow file, keeping the row index across batches. */
  private static final class ArrowRows {
    private final RecordKind kind;
    private final String file;
    private final List<Row> out;
    private final ObjectMapper mapper = new ObjectMapper();
    long position;

    ArrowRows(RecordKind kind, String file, List<Row> out) {
      this.kind = kind;
      this.file = file;
      this.out = out;
    }

    void add(VectorSchemaRoot root) {
      List<String> fields = kind.fields();
      for (int r = 0; r < root.getRowCount(); r++, position++) {
        Object[] values = new Object[fields.size() + 6];
        ObjectNode raw = mapper.createObjectNode();
        for (FieldVector v : root.getFieldVectors()) {
          String text = arrowText(v, r);
          raw.put(v.getName(), text);
          String canonical = kind.canonical(v.getName());
          if (canonical != null) {
            values[fields.indexOf(canonical)] = text;
          }
        }
        fill(values, position, raw.toString(), null);
        out.add(RowFactory.create(values));
      }
    }

    void marker(String detail) {
      Object[] values = new Object[kind.fields().size() + 6];
      fill(values, position, null, tagged(ReasonCode.UNREADABLE_FILE, detail));
      out.add(RowFactory.create(values));
    }

    private void fill(Object[] values, long at, String raw, String problem) {
      int n = kind.fields().size();
      values[n] = file;
      values[n + 1] = at;
      values[n + 2] = LandingFormat.ARROW.cliName();
      values[n + 3] = raw;
      values[n + 4] = problem != null;
      values[n + 5] = problem;
    }
  }

  private static String arrowText(FieldVector v, int row) {
    if (v.isNull(row)) {
      return null;
    }
    if (v instanceof TimeStampVector ts) {
      ArrowType.Timestamp type = (ArrowType.Timestamp) v.getField().getType();
      long value = ts.get(row);
      Instant instant =
          switch (type.getUnit()) {
            case SECOND -> Instant.ofEpochSecond(value);
            case MILLISECOND -> Instant.ofEpochMilli(value);
            case MICROSECOND ->
                Instant.ofEpochSecond(value / 1_000_000, (value % 1_000_000) * 1000);
            case NANOSECOND -> Instant.ofEpochSecond(value / 1_000_000_000, value % 1_000_000_000);
          };
      return instant.toString();
    }
    Object o = v.getObject(row);
    return o == null ? null : o.toString();
  }

  /** Lets Arrow's seekable reader read a Hadoop file (local or object store). */
  private static final class HadoopChannel implements SeekableByteChannel {
    private final FSDataInputStream in;
    private final long size;

    HadoopChannel(FSDataInputStream in, long size) {
      this.in = in;
      this.size = size;
    }

    @Override
    public int read(java.nio.ByteBuffer dst) throws IOException {
      int n = dst.remaining();
      byte[] buf = new byte[n];
      int read = in.read(buf, 0, n);
      if (read > 0) {
        dst.put(buf, 0, read);
      }
      return read;
    }

    @Override
    public int write(java.nio.ByteBuffer src) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public long position() throws IOException {
      return in.getPos();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      in.seek(newPosition);
      return this;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long s) {
      throw new UnsupportedOperationException("read-only");
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {
      // the caller owns the stream (it reads on after a damaged footer)
    }
  }
}
