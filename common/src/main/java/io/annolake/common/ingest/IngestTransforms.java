package io.annolake.common.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.io.LandingReader;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.ReasonCode;
import io.annolake.common.schema.RecordKind;
import io.annolake.common.spark.ScalaSeqs;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Pure transforms from landing records to silver rows: typing, validation with a reason code per
 * rejected record, and deduplication (within the batch and against what silver already holds).
 *
 * <p>The output of {@link #outcome} has one row per landing record: silver columns plus {@code
 * reason_code} (null for a record that goes to silver) and {@code detail}. So ingested + rejected =
 * read holds by construction.
 */
public final class IngestTransforms {
  public static final List<String> WORKER_TYPES = List.of("crowd", "expert", "model");
  public static final List<String> LABEL_TYPES =
      List.of("categorical", "ordinal", "interval", "ratio", "multi_label");

  /** The label type whose labels are sets (a JSON array of allowed labels). */
  private static final String MULTI_LABEL = "multi_label";

  private static final String HASH = Columns.CONTENT_HASH;
  private static final String REASON = Columns.REASON_CODE;
  private static final String DETAIL = Columns.DETAIL;

  private IngestTransforms() {}

  /** Key columns that identify one record of the kind in its silver table. */
  public static List<String> keyColumns(RecordKind kind) {
    return switch (kind) {
      // annotation ids are unique within a project: another project's ids never collide with them
      case ANNOTATIONS -> List.of(Columns.PROJECT_ID, Columns.ANNOTATION_ID);
      case GOLD ->
          List.of(Columns.PROJECT_ID, Columns.STEP, Columns.ITEM_ID, Columns.GUIDELINE_VERSION);
      case ADJUDICATIONS ->
          List.of(Columns.PROJECT_ID, Columns.STEP, Columns.ITEM_ID, Columns.EXPERT_ID);
      case SCHEMA, GUIDELINE ->
          List.of(Columns.PROJECT_ID, Columns.STEP, Columns.GUIDELINE_VERSION);
      // one worker may ask about one item more than once, at different times
      case FLAG ->
          List.of(
              Columns.PROJECT_ID,
              Columns.STEP,
              Columns.ITEM_ID,
              Columns.WORKER_ID,
              Columns.RAISED_AT);
    };
  }

  /**
   * The column that orders versions of one key (later wins), or null when landing order decides.
   */
  static String versionColumn(RecordKind kind) {
    return switch (kind) {
      case ANNOTATIONS -> Columns.REVISION;
      case ADJUDICATIONS -> Columns.DECIDED_AT;
      case GOLD, SCHEMA, GUIDELINE, FLAG -> null;
    };
  }

  /** The silver table's columns (run_id and batch_id are added by the writer). */
  public static List<String> silverColumns(RecordKind kind) {
    List<String> cols = new ArrayList<>(kind.fields());
    if (kind == RecordKind.SCHEMA) {
      cols.add(Columns.LABELS_JSON);
    }
    cols.addAll(List.of(HASH, Columns.SOURCE_FILE, Columns.SOURCE_POSITION, Columns.INGESTED_AT));
    return cols;
  }

  /** Landing rows -> typed rows with reason_code/detail for records that fail validation. */
  public static Dataset<Row> validate(
      Dataset<Row> landing,
      RecordKind kind,
      ValidationRules rules,
      Dataset<Row> labelSchemas,
      Timestamp ingestedAt) {
    Dataset<Row> typed =
        switch (kind) {
          case ANNOTATIONS -> typedAnnotations(landing, rules);
          case GOLD -> typedGold(landing, rules);
          case ADJUDICATIONS -> typedAdjudications(landing, rules);
          case SCHEMA -> typedSchema(landing, rules);
          case GUIDELINE -> typedGuideline(landing, rules);
          case FLAG -> typedFlag(landing, rules);
        };
    boolean checksLabels =
        kind == RecordKind.ANNOTATIONS
            || kind == RecordKind.GOLD
            || kind == RecordKind.ADJUDICATIONS;
    if (checksLabels) {
      typed = joinLabelSchemas(typed, labelSchemas);
    }
    List<Column[]> checks = new ArrayList<>();
    // the reader names the reason in the detail when it is not a plain parse error
    checks.add(
        new Column[] {
          coalesce(col(Columns.MALFORMED), lit(false)),
          LandingReader.reasonOf(col(Columns.MALFORMED_DETAIL)),
          regexp_replace(col(Columns.MALFORMED_DETAIL), "^[A-Z_]+: ", "")
        });
    checks.add(missingRequired(kind));
    checks.addAll(invalidValues(kind));
    checks.addAll(impossibleTimestamps(kind, rules));
    if (checksLabels) {
      checks.add(unknownLabel());
    }
    Column reason = lit(null).cast("string");
    Column detail = lit(null).cast("string");
    for (int i = checks.size() - 1; i >= 0; i--) {
      reason = when(checks.get(i)[0], checks.get(i)[1]).otherwise(reason);
      detail = when(checks.get(i)[0], checks.get(i)[2]).otherwise(detail);
    }
    List<Column> hashed = new ArrayList<>();
    for (String f : kind.fields()) {
      hashed.add(coalesce(col(f).cast("string"), lit("\u0000")));
    }
    typed = typed.withColumn(REASON, reason).withColumn(DETAIL, detail);
    if (checksLabels) {
      typed = typed.withColumn(Columns.LABEL, canonicalLabel());
    }
    return typed
        .withColumn(HASH, sha2(concat_ws("\u001f", hashed.toArray(Column[]::new)), 256))
        .withColumn(Columns.INGESTED_AT, lit(ingestedAt));
  }

  /**
   * Validated rows -> final outcome: duplicates and superseded versions get their reason code, both
   * within the batch and against {@code existing} silver rows (null when the table is new). Rows of
   * {@code existing} with the same batch id come from an earlier attempt of this batch and do not
   * count as already ingested.
   *
   * <p>Duplicates are rare, so only keys are shuffled to find them (a narrow aggregation and a
   * narrow join with silver's keys); the ranking window touches only the rows whose key repeats.
   * Joining the few repeated keys back is a broadcast once adaptive execution sees their size.
   */
  public static Dataset<Row> outcome(
      Dataset<Row> validated, RecordKind kind, Dataset<Row> existing, String batchId) {
    return outcome(validated, kind, existing, batchId, UnaryOperator.identity());
  }

  /**
   * As {@link #outcome(Dataset, RecordKind, Dataset, String)}, with {@code keySets} applied to the
   * two key sets the outcome joins the batch's rows with: the keys that repeat within the batch,
   * and those silver already holds. The ingest job keeps them in memory and marks small ones for a
   * broadcast join, so the outcome's three reads compute them once and never shuffle whole rows.
   */
  public static Dataset<Row> outcome(
      Dataset<Row> validated,
      RecordKind kind,
      Dataset<Row> existing,
      String batchId,
      UnaryOperator<Dataset<Row>> keySets) {
    List<String> keys = keyColumns(kind);
    scala.collection.immutable.Seq<String> keySeq =
        scala.collection.JavaConverters.asScalaBuffer(keys).toList();
    Dataset<Row> invalid = validated.where(col(REASON).isNotNull());
    Dataset<Row> valid = validated.where(col(REASON).isNull());

    Dataset<Row> repeated =
        keySets.apply(
            valid
                .groupBy(keys.stream().map(k -> col(k)).toArray(Column[]::new))
                .count()
                .where(col("count").gt(1))
                .drop("count"));
    Dataset<Row> unique = valid.join(repeated, keySeq, "left_anti");
    Dataset<Row> ranked = rankWithinBatch(valid.join(repeated, keySeq, "left_semi"), kind);
    Dataset<Row> result =
        unique
            .withColumn(REASON, lit(null).cast("string"))
            .withColumn(DETAIL, lit(null).cast("string"))
            .unionByName(ranked);

    if (existing != null) {
      result = againstSilver(result, kind, existing, batchId, keySeq, keySets);
    }
    return invalid.unionByName(result);
  }

  /** Ranks rows that share a key: the latest version wins, the others get their reason. */
  private static Dataset<Row> rankWithinBatch(Dataset<Row> rows, RecordKind kind) {
    String version = versionColumn(kind);
    Column[] keyCols = keyColumns(kind).stream().map(k -> col(k)).toArray(Column[]::new);
    List<Column> order = new ArrayList<>();
    if (version != null) {
      order.add(col(version).desc_nulls_last());
    }
    if (kind == RecordKind.ANNOTATIONS) {
      order.add(col(Columns.SUBMITTED_AT).desc_nulls_last());
    }
    order.add(col(Columns.SOURCE_FILE).desc());
    order.add(col(Columns.SOURCE_POSITION).desc());
    WindowSpec w = Window.partitionBy(keyCols).orderBy(order.toArray(Column[]::new));
    Column duplicate =
        when(col(HASH).equalTo(col("_winner_hash")), lit(ReasonCode.DUPLICATE_RECORD.name()))
            .when(
                version != null ? col(version).lt(col("_winner_version")) : lit(true),
                lit(ReasonCode.SUPERSEDED_REVISION.name()))
            .otherwise(lit(ReasonCode.CONFLICTING_REVISION.name()));
    Column detail =
        when(
                col(HASH).equalTo(col("_winner_hash")),
                lit("exact duplicate of another record in this batch"))
            .otherwise(lit("a later version of the same key is in this batch"));
    return rows.withColumn("_rank", row_number().over(w))
        .withColumn("_winner_hash", first(col(HASH)).over(w))
        .withColumn("_winner_version", version == null ? lit(null) : first(col(version)).over(w))
        .withColumn(REASON, when(col("_rank").gt(1), duplicate))
        .withColumn(DETAIL, when(col("_rank").gt(1), detail))
        .drop("_rank", "_winner_hash", "_winner_version");
  }

  /** Rows whose key silver already holds (from another batch) are duplicates or older versions. */
  private static Dataset<Row> againstSilver(
      Dataset<Row> rows,
      RecordKind kind,
      Dataset<Row> existing,
      String batchId,
      scala.collection.immutable.Seq<String> keySeq,
      UnaryOperator<Dataset<Row>> keySets) {
    List<String> keys = keyColumns(kind);
    String version = versionColumn(kind);
    List<Column> ex = new ArrayList<>();
    keys.forEach(k -> ex.add(col(k)));
    ex.add(col(HASH).as("_existing_hash"));
    ex.add(
        version == null ? lit(null).as("_existing_version") : col(version).as("_existing_version"));
    Dataset<Row> prior =
        existing.where(col(Columns.BATCH_ID).notEqual(batchId)).select(ex.toArray(Column[]::new));
    Dataset<Row> overlap =
        keySets.apply(
            rows.where(col(REASON).isNull())
                .select(keys.stream().map(k -> col(k)).toArray(Column[]::new))
                .join(prior, keySeq));
    Dataset<Row> joined = rows.join(overlap, keySeq, "left");
    Column hit = col("_existing_hash").isNotNull().and(col(REASON).isNull());
    Column newer = version != null ? col(version).lt(col("_existing_version")) : lit(false);
    Column same = version != null ? col(version).equalTo(col("_existing_version")) : lit(false);
    Column reason =
        when(col(HASH).equalTo(col("_existing_hash")), lit(ReasonCode.DUPLICATE_RECORD.name()))
            .when(newer, lit(ReasonCode.SUPERSEDED_REVISION.name()))
            .when(same, lit(ReasonCode.CONFLICTING_REVISION.name()));
    Column detail =
        when(col(HASH).equalTo(col("_existing_hash")), lit("already ingested"))
            .when(newer, lit("a later version is already ingested"))
            .otherwise(lit("differs from the ingested record with the same version"));
    return joined
        .withColumn(REASON, when(hit, reason).otherwise(col(REASON)))
        .withColumn(DETAIL, when(hit.and(reason.isNotNull()), detail).otherwise(col(DETAIL)))
        .drop("_existing_hash", "_existing_version");
  }

  /**
   * The columns of validated rows that the outcome, its rejects and silver read; without {@code
   * raw_record} when the rejects take it from bronze ({@link #rejects(Dataset, RecordKind, Dataset,
   * boolean)}): the landing text is most of a row's bytes, and only rejected rows need it.
   */
  public static Dataset<Row> outcomeInput(
      Dataset<Row> validated, RecordKind kind, boolean withRawRecord) {
    List<String> cols = new ArrayList<>(silverColumns(kind));
    cols.addAll(List.of(Columns.SOURCE_FORMAT, REASON, DETAIL));
    if (withRawRecord) {
      cols.add(Columns.RAW_RECORD);
    }
    return validated.select(cols.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * The rejected_records rows of an outcome read without {@code raw_record}, which comes from
   * {@code raw} (source_file, source_position, raw_record: the batch's bronze rows). {@code
   * broadcast}: the rejects are few, so bronze is scanned against their broadcast positions, not
   * shuffled and sorted.
   */
  public static Dataset<Row> rejects(
      Dataset<Row> outcome, RecordKind kind, Dataset<Row> raw, boolean broadcast) {
    Dataset<Row> rejected = outcome.where(col(REASON).isNotNull());
    scala.collection.Seq<String> position =
        ScalaSeqs.of(Columns.SOURCE_FILE, Columns.SOURCE_POSITION);
    if (broadcast) {
      // Spark cannot build the side an outer join keeps, so a broadcast hint on the rejects of a
      // right join is ignored: the rejects' bronze rows are found first by a semi join that builds
      // their positions, then joined to the rejects as the (small) built side.
      raw =
          broadcast(
              raw.join(
                  broadcast(rejected.select(Columns.SOURCE_FILE, Columns.SOURCE_POSITION)),
                  position,
                  "left_semi"));
    }
    // a right join keeps every reject, found in bronze or not
    return rejects(raw.join(rejected, position, "right"), kind);
  }

  /** The rejected_records rows of an outcome. */
  public static Dataset<Row> rejects(Dataset<Row> outcome, RecordKind kind) {
    Column key =
        concat_ws(
            "|", keyColumns(kind).stream().map(k -> col(k).cast("string")).toArray(Column[]::new));
    return outcome
        .where(col(REASON).isNotNull())
        .select(
            lit(kind.cliName()).as(Columns.RECORD_KIND),
            col(Columns.SOURCE_FILE),
            col(Columns.SOURCE_POSITION),
            col(Columns.SOURCE_FORMAT),
            col(Columns.RAW_RECORD),
            key.as(Columns.RECORD_KEY),
            col(Columns.PROJECT_ID),
            col(REASON),
            col(DETAIL),
            col(Columns.INGESTED_AT));
  }

  /** The silver rows of an outcome. */
  public static Dataset<Row> accepted(Dataset<Row> outcome, RecordKind kind) {
    return outcome
        .where(col(REASON).isNull())
        .select(silverColumns(kind).stream().map(c -> col(c)).toArray(Column[]::new));
  }

  // ---------------------------------------------------------------- typing per kind

  private static Column text(String field) {
    Column t = trim(col(field));
    return when(t.equalTo(""), lit(null).cast("string")).otherwise(t);
  }

  /** ISO-8601 (with or without zone; UTC assumed), "yyyy-MM-dd HH:mm:ss", or epoch s / ms. */
  static Column timestamp(Column raw) {
    return when(raw.rlike("^\\d{13}$"), timestamp_seconds(raw.cast("double").divide(1000)))
        .when(raw.rlike("^\\d{9,10}$"), timestamp_seconds(raw.cast("long")))
        .otherwise(raw.cast("timestamp"));
  }

  private static Column orDefault(String field, String value) {
    return value == null ? text(field) : coalesce(text(field), lit(value));
  }

  private static Dataset<Row> typedAnnotations(Dataset<Row> in, ValidationRules rules) {
    Column started = timestamp(text("started_at"));
    Column submitted =
        when(text("submitted_at").isNull(), lit(Timestamp.from(rules.defaultSubmittedAt())))
            .otherwise(timestamp(text("submitted_at")));
    Column generatedId =
        concat(
            lit("gen-"),
            substring(
                sha2(
                    concat_ws(
                        "\u001f",
                        coalesce(orDefault("project_id", rules.defaultProject()), lit("")),
                        coalesce(orDefault("step", rules.defaultStep()), lit("")),
                        coalesce(text("item_id"), lit("")),
                        coalesce(text("worker_id"), lit("")),
                        coalesce(text("label"), lit("")),
                        coalesce(text("submitted_at"), lit(""))),
                    256),
                1,
                32));
    return in.withColumn("_raw_started_at", text("started_at"))
        .withColumn("_raw_submitted_at", text("submitted_at"))
        .withColumn("_raw_duration_ms", text("duration_ms"))
        .withColumn("_raw_cost", text("cost"))
        .withColumn("_raw_revision", text("revision"))
        .withColumn(Columns.ANNOTATION_ID, coalesce(text("annotation_id"), generatedId))
        .withColumn(Columns.PROJECT_ID, orDefault("project_id", rules.defaultProject()))
        .withColumn(Columns.ITEM_ID, text("item_id"))
        .withColumn(Columns.STEP, orDefault("step", rules.defaultStep()))
        .withColumn(Columns.WORKER_ID, text("worker_id"))
        .withColumn(Columns.WORKER_TYPE, lower(orDefault("worker_type", "crowd")))
        .withColumn(Columns.LABEL, text("label"))
        .withColumn(
            "guideline_version", orDefault("guideline_version", rules.defaultGuidelineVersion()))
        .withColumn(Columns.STARTED_AT, started)
        .withColumn(Columns.SUBMITTED_AT, submitted)
        .withColumn(
            "duration_ms",
            coalesce(
                text("duration_ms").cast("long"),
                col(Columns.SUBMITTED_AT)
                    .cast("double")
                    .minus(col(Columns.STARTED_AT).cast("double"))
                    .multiply(1000)
                    .cast("long")))
        .withColumn(Columns.PRELABEL, text("prelabel"))
        .withColumn(Columns.PRELABEL_MODEL, text("prelabel_model"))
        .withColumn(Columns.COST, text("cost").cast(DataTypes.createDecimalType(12, 4)))
        .withColumn(Columns.REVISION, coalesce(text("revision").cast("int"), lit(1)));
  }

  private static Dataset<Row> typedGold(Dataset<Row> in, ValidationRules rules) {
    return in.withColumn(Columns.PROJECT_ID, orDefault("project_id", rules.defaultProject()))
        .withColumn(Columns.STEP, orDefault("step", rules.defaultStep()))
        .withColumn(Columns.ITEM_ID, text("item_id"))
        .withColumn(Columns.LABEL, text("label"))
        .withColumn(
            "guideline_version", orDefault("guideline_version", rules.defaultGuidelineVersion()));
  }

  private static Dataset<Row> typedAdjudications(Dataset<Row> in, ValidationRules rules) {
    return in.withColumn("_raw_decided_at", text("decided_at"))
        .withColumn(Columns.PROJECT_ID, orDefault("project_id", rules.defaultProject()))
        .withColumn(Columns.STEP, orDefault("step", rules.defaultStep()))
        .withColumn(Columns.ITEM_ID, text("item_id"))
        .withColumn(Columns.LABEL, text("label"))
        .withColumn(Columns.EXPERT_ID, text("expert_id"))
        .withColumn(Columns.RATIONALE, text("rationale"))
        .withColumn(
            "decided_at",
            when(text("decided_at").isNull(), lit(Timestamp.from(rules.defaultSubmittedAt())))
                .otherwise(timestamp(text("decided_at"))))
        // adjudications are validated against the labels of any guideline version
        .withColumn(Columns.GUIDELINE_VERSION, lit(null).cast("string"));
  }

  private static Dataset<Row> typedSchema(Dataset<Row> in, ValidationRules rules) {
    return in.withColumn("_raw_min_annotators", text("min_annotators"))
        .withColumn("_raw_accept_threshold", text("accept_threshold"))
        .withColumn(Columns.PROJECT_ID, orDefault("project_id", rules.defaultProject()))
        .withColumn(Columns.STEP, orDefault("step", rules.defaultStep()))
        .withColumn(
            "guideline_version", orDefault("guideline_version", rules.defaultGuidelineVersion()))
        .withColumn(Columns.LABEL_TYPE, lower(text("label_type")))
        .withColumn(Columns.LABELS_JSON, text("labels"))
        .withColumn(
            "labels", from_json(text("labels"), DataTypes.createArrayType(DataTypes.StringType)))
        .withColumn(Columns.MIN_ANNOTATORS, text("min_annotators").cast("int"))
        .withColumn(Columns.ACCEPT_THRESHOLD, text("accept_threshold").cast("double"))
        .withColumn(Columns.DECISION_POLICY, lower(text("decision_policy")));
  }

  /** Label lists are JSON arrays of strings (absent: none); the policy defaults to none. */
  private static Dataset<Row> typedGuideline(Dataset<Row> in, ValidationRules rules) {
    Dataset<Row> out =
        in.withColumn("_raw_effective_at", text("effective_at"))
            .withColumn(Columns.PROJECT_ID, orDefault("project_id", rules.defaultProject()))
            .withColumn(Columns.STEP, orDefault("step", rules.defaultStep()))
            .withColumn(Columns.GUIDELINE_VERSION, text("guideline_version"))
            .withColumn(Columns.EFFECTIVE_AT, timestamp(text("effective_at")))
            .withColumn(
                Columns.RELABEL_POLICY, coalesce(lower(text("relabel_policy")), lit("none")))
            .withColumn(Columns.NOTES, text("notes"));
    for (String f : GUIDELINE_LABEL_LISTS) {
      out =
          out.withColumn("_raw_" + f, text(f))
              .withColumn(
                  f,
                  coalesce(
                      from_json(text(f), DataTypes.createArrayType(DataTypes.StringType)),
                      when(text(f).isNull(), array().cast("array<string>"))));
    }
    return out;
  }

  /** A question without a time is dated like an annotation without one: the logical date. */
  private static Dataset<Row> typedFlag(Dataset<Row> in, ValidationRules rules) {
    return in.withColumn("_raw_raised_at", text("raised_at"))
        .withColumn(Columns.PROJECT_ID, orDefault("project_id", rules.defaultProject()))
        .withColumn(Columns.STEP, orDefault("step", rules.defaultStep()))
        .withColumn(Columns.ITEM_ID, text("item_id"))
        .withColumn(Columns.WORKER_ID, text("worker_id"))
        .withColumn(Columns.QUESTION_TEXT, text("question_text"))
        .withColumn(
            "raised_at",
            when(text("raised_at").isNull(), lit(Timestamp.from(rules.defaultSubmittedAt())))
                .otherwise(timestamp(text("raised_at"))));
  }

  private static final List<String> GUIDELINE_LABEL_LISTS =
      List.of("labels_added", "labels_removed", "labels_redefined");

  // ---------------------------------------------------------------- checks

  private static Column[] check(Column condition, ReasonCode code, Column detail) {
    return new Column[] {coalesce(condition, lit(false)), lit(code.name()), detail};
  }

  private static Column[] missingRequired(RecordKind kind) {
    Column[] missing =
        kind.required().stream()
            .map(
                f ->
                    when(
                        col(kind == RecordKind.SCHEMA && f.equals("labels")
                                ? "labels_json"
                                : kind == RecordKind.GUIDELINE && f.equals("effective_at")
                                    ? "_raw_effective_at"
                                    : f)
                            .isNull(),
                        lit(f)))
            .toArray(Column[]::new);
    Column names = concat_ws(", ", missing);
    return check(
        names.notEqual(""), ReasonCode.MISSING_REQUIRED_FIELD, concat(lit("missing: "), names));
  }

  private static Column[] unparsed(String field, String type) {
    Column raw = col("_raw_" + field);
    return check(
        raw.isNotNull().and(col(field).isNull()),
        ReasonCode.INVALID_VALUE,
        concat(lit(field + ": '"), raw, lit("' is not a " + type)));
  }

  /** A whole number as text: "2", "-3", "2.0"; not "2.9", "1e3" (a cast would truncate those). */
  private static final String WHOLE_NUMBER = "^[+-]?[0-9]+(\\.0+)?$";

  private static Column[] notWhole(String field, String type) {
    Column raw = col("_raw_" + field);
    return check(
        raw.isNotNull().and(raw.rlike(WHOLE_NUMBER).unary_$bang()),
        ReasonCode.INVALID_VALUE,
        concat(lit(field + ": '"), raw, lit("' is not a " + type)));
  }

  private static List<Column[]> invalidValues(RecordKind kind) {
    List<Column[]> checks = new ArrayList<>();
    switch (kind) {
      case ANNOTATIONS -> {
        checks.add(unparsed("started_at", "timestamp"));
        checks.add(unparsed("submitted_at", "timestamp"));
        checks.add(notWhole("duration_ms", "whole number of milliseconds"));
        checks.add(unparsed("duration_ms", "whole number of milliseconds"));
        checks.add(unparsed("cost", "decimal number"));
        checks.add(notWhole("revision", "whole number"));
        checks.add(unparsed("revision", "whole number"));
        checks.add(
            check(
                col("_raw_revision").isNotNull().and(col(Columns.REVISION).lt(1)),
                ReasonCode.INVALID_VALUE,
                concat(lit("revision: '"), col("_raw_revision"), lit("' must be 1 or more"))));
        checks.add(
            check(
                col(Columns.WORKER_TYPE).isin(WORKER_TYPES.toArray()).unary_$bang(),
                ReasonCode.INVALID_VALUE,
                concat(
                    lit("worker_type: '"),
                    col(Columns.WORKER_TYPE),
                    lit("' is not one of " + WORKER_TYPES))));
      }
      case ADJUDICATIONS -> checks.add(unparsed("decided_at", "timestamp"));
      case SCHEMA -> {
        checks.add(
            check(
                col(Columns.LABEL_TYPE).isin(LABEL_TYPES.toArray()).unary_$bang(),
                ReasonCode.INVALID_VALUE,
                concat(
                    lit("label_type: '"),
                    col(Columns.LABEL_TYPE),
                    lit("' is not one of " + LABEL_TYPES))));
        checks.add(
            check(
                col(Columns.LABELS).isNull().or(size(col(Columns.LABELS)).equalTo(0)),
                ReasonCode.INVALID_VALUE,
                concat(
                    lit("labels: '"),
                    col(Columns.LABELS_JSON),
                    lit("' is not a non-empty JSON array of strings"))));
        checks.add(notWhole("min_annotators", "whole number"));
        checks.add(unparsed("min_annotators", "whole number"));
        checks.add(unparsed("accept_threshold", "number"));
        checks.add(
            check(
                col(Columns.MIN_ANNOTATORS)
                    .lt(1)
                    .or(col(Columns.ACCEPT_THRESHOLD).leq(0))
                    .or(col(Columns.ACCEPT_THRESHOLD).gt(1)),
                ReasonCode.INVALID_VALUE,
                lit("min_annotators must be >= 1 and accept_threshold in (0, 1]")));
        checks.add(
            check(
                col(Columns.DECISION_POLICY).isin("votes", "posterior").unary_$bang(),
                ReasonCode.INVALID_VALUE,
                concat(
                    lit("decision_policy: '"),
                    col(Columns.DECISION_POLICY),
                    lit("' is not votes or posterior"))));
      }
      case GUIDELINE -> {
        checks.add(unparsed("effective_at", "timestamp"));
        for (String f : GUIDELINE_LABEL_LISTS) {
          checks.add(unparsed(f, "JSON array of strings"));
        }
        checks.add(
            check(
                col(Columns.RELABEL_POLICY).isin("none", "affected", "all").unary_$bang(),
                ReasonCode.INVALID_VALUE,
                concat(
                    lit("relabel_policy: '"),
                    col(Columns.RELABEL_POLICY),
                    lit("' is not none, affected or all"))));
      }
      case FLAG -> checks.add(unparsed("raised_at", "timestamp"));
      case GOLD -> {}
    }
    return checks;
  }

  private static List<Column[]> impossibleTimestamps(RecordKind kind, ValidationRules rules) {
    List<Column[]> checks = new ArrayList<>();
    Timestamp latest = Timestamp.from(rules.latestAllowed());
    Timestamp earliest = Timestamp.from(rules.earliestAllowed());
    if (kind == RecordKind.ANNOTATIONS) {
      checks.add(
          check(
              col(Columns.SUBMITTED_AT).lt(col(Columns.STARTED_AT)),
              ReasonCode.IMPOSSIBLE_TIMESTAMP,
              concat(
                  lit("submitted_at "),
                  col(Columns.SUBMITTED_AT).cast("string"),
                  lit(" is before started_at "),
                  col(Columns.STARTED_AT).cast("string"))));
      checks.add(
          check(
              col(Columns.SUBMITTED_AT).gt(lit(latest)),
              ReasonCode.IMPOSSIBLE_TIMESTAMP,
              concat(
                  lit("submitted_at "),
                  col(Columns.SUBMITTED_AT).cast("string"),
                  // no instant in the text: a rerun's reject must read as the first run's
                  lit(" is in the future (after the ingest time and the allowed clock skew)"))));
      checks.add(
          check(
              col(Columns.SUBMITTED_AT)
                  .lt(lit(earliest))
                  .or(col(Columns.STARTED_AT).lt(lit(earliest))),
              ReasonCode.IMPOSSIBLE_TIMESTAMP,
              lit("timestamp before " + rules.earliestAllowed())));
      checks.add(
          check(
              col(Columns.DURATION_MS)
                  .lt(0)
                  .or(col(Columns.DURATION_MS).gt(rules.maxDuration().toMillis())),
              ReasonCode.IMPOSSIBLE_TIMESTAMP,
              concat(
                  lit("duration_ms "),
                  col(Columns.DURATION_MS).cast("string"),
                  lit(" outside [0, " + rules.maxDuration().toMillis() + "]"))));
    }
    String dated =
        switch (kind) {
          case ADJUDICATIONS -> "decided_at";
          case FLAG -> "raised_at";
          default -> null;
        };
    if (dated != null) {
      checks.add(
          check(
              col(dated).gt(lit(latest)).or(col(dated).lt(lit(earliest))),
              ReasonCode.IMPOSSIBLE_TIMESTAMP,
              concat(
                  lit(dated + " "),
                  col(dated).cast("string"),
                  lit(" is outside the allowed range"))));
    }
    return checks;
  }

  /**
   * Adds {@code _allowed} and {@code _label_type}: the labels of the schema registered for the
   * record's project, step and guideline version, else the union over the step's versions; null
   * when the project/step has no schema (then any label is accepted).
   */
  private static Dataset<Row> joinLabelSchemas(Dataset<Row> typed, Dataset<Row> schemas) {
    if (schemas == null) {
      return typed
          .withColumn("_allowed", lit(null).cast("array<string>"))
          .withColumn("_label_type", lit(null).cast("string"));
    }
    Dataset<Row> exact =
        schemas.select(
            col(Columns.PROJECT_ID).as("_e_project"),
            col(Columns.STEP).as("_e_step"),
            col(Columns.GUIDELINE_VERSION).as("_e_version"),
            col(Columns.LABELS).as("_e_labels"),
            col(Columns.LABEL_TYPE).as("_e_type"));
    Dataset<Row> any =
        schemas
            .groupBy(col(Columns.PROJECT_ID).as("_a_project"), col(Columns.STEP).as("_a_step"))
            .agg(
                array_distinct(flatten(collect_list(col(Columns.LABELS)))).as("_a_labels"),
                first(col(Columns.LABEL_TYPE)).as("_a_type"));
    return typed
        .join(
            broadcast(exact),
            col(Columns.PROJECT_ID)
                .equalTo(col("_e_project"))
                .and(col(Columns.STEP).equalTo(col("_e_step")))
                .and(col(Columns.GUIDELINE_VERSION).equalTo(col("_e_version"))),
            "left")
        .join(
            broadcast(any),
            col(Columns.PROJECT_ID)
                .equalTo(col("_a_project"))
                .and(col(Columns.STEP).equalTo(col("_a_step"))),
            "left")
        .withColumn("_allowed", coalesce(col("_e_labels"), col("_a_labels")))
        .withColumn("_label_type", coalesce(col("_e_type"), col("_a_type")))
        .drop(
            "_e_project",
            "_e_step",
            "_e_version",
            "_e_labels",
            "_e_type",
            "_a_project",
            "_a_step",
            "_a_labels",
            "_a_type");
  }

  /**
   * A valid label set of a multi-label step in one spelling: sorted, distinct, compact JSON. A set
   * is then one string whatever order or spacing it landed in, so sets compare as strings (gold,
   * anomalies, exports); other labels unchanged.
   */
  private static Column canonicalLabel() {
    Column set = from_json(col(Columns.LABEL), DataTypes.createArrayType(DataTypes.StringType));
    return when(
            col("_label_type").equalTo(MULTI_LABEL).and(col(REASON).isNull()),
            to_json(array_sort(array_distinct(set))))
        .otherwise(col(Columns.LABEL));
  }

  private static Column[] unknownLabel() {
    Column type = col("_label_type");
    Column label = col(Columns.LABEL);
    Column multi = from_json(label, DataTypes.createArrayType(DataTypes.StringType));
    Column ok =
        when(type.isNull(), lit(true))
            .when(type.isin("categorical", "ordinal"), array_contains(col("_allowed"), label))
            .when(type.equalTo("interval"), label.cast("double").isNotNull())
            .when(type.equalTo("ratio"), label.cast("double").geq(0))
            .when(
                type.equalTo(MULTI_LABEL),
                multi.isNotNull().and(size(array_except(multi, col("_allowed"))).equalTo(0)))
            .otherwise(lit(false));
    return check(
        ok.unary_$bang(),
        ReasonCode.UNKNOWN_LABEL,
        concat(
            lit("label '"),
            label,
            lit("' is not allowed for "),
            col(Columns.PROJECT_ID),
            lit("/"),
            col(Columns.STEP),
            lit(" ("),
            type,
            lit("): allowed ["),
            array_join(col("_allowed"), ", "),
            lit("]")));
  }
}
