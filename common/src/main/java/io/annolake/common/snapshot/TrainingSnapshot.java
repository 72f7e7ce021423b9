package io.annolake.common.snapshot;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;

import io.annolake.common.io.Predicates;
import io.annolake.common.schema.Columns;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The pure part of a training snapshot: which {@code consensus_labels} rows it holds, in which
 * order, and the content hash that identifies them whatever the file format or partitioning.
 */
public final class TrainingSnapshot {
  /**
   * The snapshot's columns, in order. {@code posteriors} is consensus_labels' {@code candidates}.
   */
  public static final List<String> COLUMNS =
      List.of(
          "project_id",
          "step",
          "item_id",
          "label",
          "confidence",
          "decision",
          "posteriors",
          "n_annotations",
          "n_agreeing",
          "guideline_version",
          "method",
          "params_hash");

  /** Rows are written in this order, so two takes of one snapshot give the same files. */
  public static final List<String> ORDER = List.of("project_id", "step", "item_id");

  static final String HASH_VERSION = "annolake-snapshot-content/v1";

  private TrainingSnapshot() {}

  /**
   * The rows of consensus_labels a snapshot selects: the project (and step), decisions, minimum
   * confidence, a label.
   */
  public static Column condition(SnapshotFilters f) {
    Column where = Predicates.project(f.project());
    if (f.step() != null) {
      where = where.and(Predicates.equalTo("step", f.step()));
    }
    where =
        where
            .and(col(Columns.DECISION).isin(f.decisions().toArray()))
            .and(col(Columns.LABEL).isNotNull());
    if (f.minConfidence() != null) {
      where = where.and(col(Columns.CONFIDENCE).geq(lit(f.minConfidence())));
    }
    return where;
  }

  /**
   * The selected final labels ({@link #condition}): the snapshot's columns, sorted by project, step
   * and item.
   */
  public static Dataset<Row> select(Dataset<Row> consensusLabels, SnapshotFilters f) {
    List<Column> cols = new ArrayList<>();
    for (String c : COLUMNS) {
      cols.add(c.equals("posteriors") ? col(Columns.CANDIDATES).as(c) : col(c));
    }
    return consensusLabels
        .where(condition(f))
        .select(cols.toArray(Column[]::new))
        .orderBy(ORDER.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * The rows' content hash, {@code sha256:<hex>}, independent of row order, partitioning and file
   * format: each row's canonical JSON (columns in {@link #COLUMNS} order, Spark's rendering of
   * values) is hashed with SHA-256, the 256-bit row hashes are summed as four 64-bit words (one
   * aggregation, nothing per row on the driver), and the column list, row count and four sums are
   * hashed again. A multiset hash: equal rows give equal hashes; it is not meant to resist forgery.
   */
  public static String contentHash(Dataset<Row> rows) {
    Column rowHash =
        sha2(to_json(struct(COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new))), 256);
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("rows"));
    for (int w = 0; w < 4; w++) {
      aggs.add(
          sum(conv(substring(rowHash, 16 * w + 1, 16), 16, 10)
                  .cast(DataTypes.createDecimalType(38, 0)))
              .as("word" + w));
    }
    Row r = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).head();
    StringBuilder canonical =
        new StringBuilder(HASH_VERSION)
            .append('\n')
            .append(String.join(",", COLUMNS))
            .append('\n')
            .append(r.<Long>getAs("rows"));
    for (int w = 0; w < 4; w++) {
      BigDecimal s = r.getAs("word" + w);
      canonical.append('\n').append((s == null ? BigDecimal.ZERO : s).toPlainString());
    }
    return "sha256:" + sha256(canonical.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Rows per step and label ({@code {step: {label: rows}}}), both sorted. */
  public static Map<String, Map<String, Long>> labelDistribution(Dataset<Row> rows) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (Row r : rows.groupBy(Columns.STEP, Columns.LABEL).count().collectAsList()) {
      out.computeIfAbsent(r.getAs(Columns.STEP), k -> new TreeMap<>())
          .put(r.getAs(Columns.LABEL), r.<Long>getAs("count"));
    }
    return out;
  }

  /**
   * The sorted distinct values of a string column (run ids, methods, guideline versions: a few).
   */
  public static List<String> distinct(Dataset<Row> rows, String column) {
    List<String> out = new ArrayList<>();
    for (Row r : rows.select(column).distinct().collectAsList()) {
      out.add(r.getAs(column));
    }
    out.sort(java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));
    return out;
  }

  /** SHA-256 of bytes as lowercase hex. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
