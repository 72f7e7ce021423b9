package io.annolake.common.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.RecordKind;
import io.annolake.common.testing.SparkTestSession;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class IngestTransformsTest {
  private final SparkSession spark = SparkTestSession.get();
  private static final Instant NOW = Instant.parse("2026-02-01T00:00:00Z");
  private static final ValidationRules RULES =
      new ValidationRules(
          "proj",
          "default",
          "v1",
          Instant.parse("2026-01-31T00:00:00Z"),
          NOW.plus(Duration.ofHours(1)),
          Instant.parse("2000-01-01T00:00:00Z"),
          Duration.ofHours(24));
  private static final Timestamp AT = Timestamp.from(NOW);

  private long position = 0;

  /** A landing row of annotations from field=value pairs. */
  private Row annotation(Map<String, String> fields) {
    return landing(RecordKind.ANNOTATIONS, fields, false);
  }

  private Row landing(RecordKind kind, Map<String, String> fields, boolean malformed) {
    List<Object> values = new ArrayList<>();
    for (String f : kind.fields()) {
      values.add(fields.get(f));
    }
    values.add("file:/landing/x.jsonl");
    values.add(position++);
    values.add("json");
    values.add(fields.toString());
    values.add(malformed);
    values.add(malformed ? "invalid JSON" : null);
    return RowFactory.create(values.toArray());
  }

  private static Map<String, String> good(String id) {
    Map<String, String> m = new HashMap<>();
    m.put("annotation_id", id);
    m.put("item_id", "i1");
    m.put("worker_id", "w1");
    m.put("label", "cat");
    m.put("started_at", "2026-01-10T10:00:00Z");
    m.put("submitted_at", "2026-01-10T10:00:05Z");
    return m;
  }

  private static Map<String, String> with(Map<String, String> m, String k, String v) {
    Map<String, String> copy = new HashMap<>(m);
    copy.put(k, v);
    return copy;
  }

  private Dataset<Row> schemas() {
    return spark.sql(
        "SELECT 'proj' AS project_id, 'default' AS step, 'v1' AS guideline_version, 'categorical' AS label_type,"
            + " array('cat', 'dog') AS labels");
  }

  private Map<String, String> reasons(List<Row> rows, Dataset<Row> existing) {
    Dataset<Row> landing =
        spark.createDataFrame(rows, Columns.landingSchema(RecordKind.ANNOTATIONS));
    Dataset<Row> validated =
        IngestTransforms.validate(landing, RecordKind.ANNOTATIONS, RULES, schemas(), AT);
    Dataset<Row> outcome =
        IngestTransforms.outcome(validated, RecordKind.ANNOTATIONS, existing, "b2");
    Map<String, String> out = new HashMap<>();
    for (Row r : outcome.select("raw_record", "reason_code").collectAsList()) {
      out.put(r.getString(0), r.isNullAt(1) ? "OK" : r.getString(1));
    }
    assertThat(outcome.count()).isEqualTo(rows.size());
    return out;
  }

  @Test
  void everyRejectedRecordGetsItsReason() {
    Map<String, Map<String, String>> cases = new HashMap<>();
    cases.put("OK", good("a0"));
    cases.put("MISSING_REQUIRED_FIELD", with(good("a1"), "worker_id", " "));
    cases.put("INVALID_VALUE", with(good("a2"), "started_at", "yesterday"));
    cases.put("IMPOSSIBLE_TIMESTAMP", with(good("a3"), "started_at", "2026-01-10T10:10:00Z"));
    cases.put("UNKNOWN_LABEL", with(good("a4"), "label", "CAT?"));
    List<Row> rows = new ArrayList<>();
    cases.values().forEach(m -> rows.add(annotation(m)));
    rows.add(landing(RecordKind.ANNOTATIONS, Map.of("annotation_id", "a5"), true));
    Map<String, String> got = reasons(rows, null);
    cases.forEach(
        (expected, m) -> assertThat(got.get(m.toString())).as(m.toString()).isEqualTo(expected));
    assertThat(got.get(Map.of("annotation_id", "a5").toString())).isEqualTo("MALFORMED_RECORD");
  }

  @Test
  void rejectsTakeTheirLandingTextFromBronzeWithOrWithoutABroadcast() {
    List<Row> rows =
        List.of(
            annotation(good("a0")),
            annotation(with(good("a1"), "worker_id", " ")),
            annotation(with(good("a2"), "label", "CAT?")));
    Dataset<Row> landing =
        spark.createDataFrame(rows, Columns.landingSchema(RecordKind.ANNOTATIONS));
    Dataset<Row> outcome =
        IngestTransforms.outcome(
            IngestTransforms.outcomeInput(
                IngestTransforms.validate(landing, RecordKind.ANNOTATIONS, RULES, schemas(), AT),
                RecordKind.ANNOTATIONS,
                false),
            RecordKind.ANNOTATIONS,
            null,
            "b");
    // bronze lacks a2's row: its reject is kept, without landing text
    Dataset<Row> bronze =
        landing
            .where(col("raw_record").notEqual(with(good("a2"), "label", "CAT?").toString()))
            .select(Columns.SOURCE_FILE, Columns.SOURCE_POSITION, Columns.RAW_RECORD);
    Dataset<Row> broadcast =
        IngestTransforms.rejects(outcome, RecordKind.ANNOTATIONS, bronze, true);
    Dataset<Row> shuffled =
        IngestTransforms.rejects(outcome, RecordKind.ANNOTATIONS, bronze, false);
    Map<String, String> text = new HashMap<>();
    for (Row r : broadcast.select(Columns.RECORD_KEY, Columns.RAW_RECORD).collectAsList()) {
      text.put(r.getString(0), r.getString(1));
    }
    assertThat(text)
        .containsOnlyKeys("proj|a1", "proj|a2")
        .containsEntry("proj|a1", with(good("a1"), "worker_id", " ").toString())
        .containsEntry("proj|a2", null);
    assertThat(broadcast.exceptAll(shuffled).count()).isZero();
    assertThat(shuffled.exceptAll(broadcast).count()).isZero();
    String plan = broadcast.queryExecution().executedPlan().toString();
    assertThat(plan).contains("BroadcastHashJoin").doesNotContain("SortMergeJoin");
  }

  @Test
  void futureAndOverlongTimestampsAreImpossible() {
    List<Row> rows =
        List.of(
            annotation(with(good("f1"), "submitted_at", "2099-01-01T00:00:00Z")),
            annotation(
                with(
                    with(good("f2"), "started_at", "2026-01-01T00:00:00Z"),
                    "submitted_at",
                    "2026-01-03T00:00:00Z")),
            annotation(with(good("f3"), "submitted_at", "1999-12-31T23:59:59Z")));
    assertThat(reasons(rows, null).values()).containsOnly("IMPOSSIBLE_TIMESTAMP");
  }

  @Test
  void timestampsParseInEveryDocumentedForm() {
    List<Row> rows =
        List.of(
            annotation(
                with(with(good("t1"), "started_at", null), "submitted_at", "2026-01-10 10:00:05")),
            annotation(with(with(good("t2"), "started_at", null), "submitted_at", "1768039205000")),
            annotation(with(with(good("t3"), "started_at", null), "submitted_at", "1768039205")),
            annotation(
                with(
                    with(good("t4"), "started_at", null),
                    "submitted_at",
                    "2026-01-10T11:00:05+01:00")));
    Dataset<Row> landing =
        spark.createDataFrame(rows, Columns.landingSchema(RecordKind.ANNOTATIONS));
    List<Row> out =
        IngestTransforms.validate(landing, RecordKind.ANNOTATIONS, RULES, null, AT)
            .select("reason_code", "submitted_at")
            .collectAsList();
    for (Row r : out) {
      assertThat(r.isNullAt(0)).isTrue();
      assertThat(((Timestamp) r.get(1)).toInstant())
          .isEqualTo(Instant.parse("2026-01-10T10:00:05Z"));
    }
  }

  @Test
  void latestRevisionWinsAndExactCopiesAreDuplicates() {
    Map<String, String> rev1 = with(good("r1"), "revision", "1");
    Map<String, String> rev2 = with(with(good("r1"), "revision", "2"), "label", "dog");
    Map<String, String> copy = with(good("d1"), "worker_id", "w7");
    Map<String, String> conflictA = with(good("c1"), "submitted_at", "2026-01-10T10:00:06Z");
    Map<String, String> conflictB =
        with(with(good("c1"), "label", "dog"), "submitted_at", "2026-01-10T10:00:09Z");
    List<Row> rows =
        List.of(
            annotation(rev1),
            annotation(rev2),
            annotation(copy),
            annotation(copy),
            annotation(conflictA),
            annotation(conflictB));
    Map<String, String> got = reasons(rows, null);
    assertThat(got.get(rev1.toString())).isEqualTo("SUPERSEDED_REVISION");
    assertThat(got.get(rev2.toString())).isEqualTo("OK");
    assertThat(got.get(conflictA.toString())).isEqualTo("CONFLICTING_REVISION");
    assertThat(got.get(conflictB.toString())).isEqualTo("OK");
    // the two copies map to one key in `got`; count outcomes instead
    Dataset<Row> landing =
        spark.createDataFrame(
            List.of(annotation(copy), annotation(copy)),
            Columns.landingSchema(RecordKind.ANNOTATIONS));
    Dataset<Row> outcome =
        IngestTransforms.outcome(
            IngestTransforms.validate(landing, RecordKind.ANNOTATIONS, RULES, null, AT),
            RecordKind.ANNOTATIONS,
            null,
            "b");
    assertThat(outcome.where(col("reason_code").isNull()).count()).isEqualTo(1);
    assertThat(outcome.where(col("reason_code").equalTo("DUPLICATE_RECORD")).count()).isEqualTo(1);
  }

  @Test
  void recordsAlreadyInSilverAreDuplicatesOrSupersededUnlessFromThisBatch() {
    Dataset<Row> landing =
        spark.createDataFrame(
            List.of(annotation(good("s1")), annotation(with(good("s2"), "revision", "3"))),
            Columns.landingSchema(RecordKind.ANNOTATIONS));
    Dataset<Row> silver =
        IngestTransforms.accepted(
                IngestTransforms.outcome(
                    IngestTransforms.validate(landing, RecordKind.ANNOTATIONS, RULES, null, AT),
                    RecordKind.ANNOTATIONS,
                    null,
                    "b1"),
                RecordKind.ANNOTATIONS)
            .withColumn("batch_id", org.apache.spark.sql.functions.lit("b1"));
    Map<String, String> again =
        reasons(
            List.of(
                annotation(good("s1")),
                annotation(with(good("s2"), "revision", "2")),
                annotation(with(good("s3"), "label", "dog"))),
            silver);
    assertThat(again.get(good("s1").toString())).isEqualTo("DUPLICATE_RECORD");
    assertThat(again.get(with(good("s2"), "revision", "2").toString()))
        .isEqualTo("SUPERSEDED_REVISION");
    assertThat(again.get(with(good("s3"), "label", "dog").toString())).isEqualTo("OK");
    // rows from an earlier attempt of the same batch do not count as already ingested
    Dataset<Row> landing2 =
        spark.createDataFrame(
            List.of(annotation(good("s1"))), Columns.landingSchema(RecordKind.ANNOTATIONS));
    Dataset<Row> retry =
        IngestTransforms.outcome(
            IngestTransforms.validate(landing2, RecordKind.ANNOTATIONS, RULES, null, AT),
            RecordKind.ANNOTATIONS,
            silver,
            "b1");
    assertThat(retry.where(col("reason_code").isNull()).count()).isEqualTo(1);
  }

  @Test
  void minimalRecordsGetDefaultsAndDeterministicIds() {
    Map<String, String> minimal = Map.of("item_id", "i1", "worker_id", "w1", "label", "cat");
    Dataset<Row> landing =
        spark.createDataFrame(
            List.of(annotation(minimal)), Columns.landingSchema(RecordKind.ANNOTATIONS));
    Row r =
        IngestTransforms.validate(landing, RecordKind.ANNOTATIONS, RULES, schemas(), AT)
            .select(
                "reason_code",
                "annotation_id",
                "project_id",
                "step",
                "worker_type",
                "guideline_version",
                "submitted_at",
                "revision")
            .head();
    assertThat(r.isNullAt(0)).isTrue();
    assertThat(r.getString(1)).startsWith("gen-").hasSize(36);
    assertThat(r.getString(2)).isEqualTo("proj");
    assertThat(r.getString(3)).isEqualTo("default");
    assertThat(r.getString(4)).isEqualTo("crowd");
    assertThat(r.getString(5)).isEqualTo("v1");
    assertThat(((Timestamp) r.get(6)).toInstant()).isEqualTo(RULES.defaultSubmittedAt());
    assertThat(r.getInt(7)).isEqualTo(1);
    Row again =
        IngestTransforms.validate(landing, RecordKind.ANNOTATIONS, RULES, schemas(), AT)
            .select("annotation_id")
            .head();
    assertThat(again.getString(0)).isEqualTo(r.getString(1));
  }

  @Test
  void labelSchemasAreValidatedThemselves() {
    List<Row> rows =
        List.of(
            landing(
                RecordKind.SCHEMA,
                Map.of("project_id", "p", "label_type", "categorical", "labels", "[\"a\",\"b\"]"),
                false),
            landing(
                RecordKind.SCHEMA,
                Map.of("project_id", "q", "label_type", "colour", "labels", "[\"a\"]"),
                false),
            landing(
                RecordKind.SCHEMA,
                Map.of("project_id", "r", "label_type", "ordinal", "labels", "not json"),
                false),
            landing(
                RecordKind.SCHEMA,
                Map.of(
                    "project_id",
                    "s",
                    "label_type",
                    "ordinal",
                    "labels",
                    "[\"a\"]",
                    "accept_threshold",
                    "1.5"),
                false),
            landing(
                RecordKind.SCHEMA,
                Map.of(
                    "project_id",
                    "t",
                    "label_type",
                    "ordinal",
                    "labels",
                    "[\"a\"]",
                    "decision_policy",
                    "majority"),
                false),
            landing(
                RecordKind.SCHEMA,
                Map.of(
                    "project_id",
                    "u",
                    "label_type",
                    "ordinal",
                    "labels",
                    "[\"a\"]",
                    "decision_policy",
                    " Votes "),
                false));
    Dataset<Row> landing = spark.createDataFrame(rows, Columns.landingSchema(RecordKind.SCHEMA));
    List<Row> out =
        IngestTransforms.validate(landing, RecordKind.SCHEMA, RULES, null, AT)
            .orderBy("project_id")
            .select("project_id", "reason_code")
            .collectAsList();
    assertThat(out.get(0).isNullAt(1)).isTrue();
    assertThat(out.subList(1, 5))
        .allSatisfy(r -> assertThat(r.getString(1)).isEqualTo("INVALID_VALUE"));
    assertThat(out.get(5).isNullAt(1))
        .as("decision_policy is trimmed and case-insensitive")
        .isTrue();
  }

  @Test
  void guidelineRecordsAreValidated() {
    List<Row> rows =
        List.of(
            landing(
                RecordKind.GUIDELINE,
                Map.of(
                    "project_id",
                    "p",
                    "guideline_version",
                    "v2",
                    "effective_at",
                    "2026-01-12T00:00:00Z",
                    "labels_redefined",
                    "[\"van\"]",
                    "relabel_policy",
                    "Affected"),
                false),
            landing(
                RecordKind.GUIDELINE,
                Map.of("project_id", "q", "guideline_version", "v1", "effective_at", "2026-01-05"),
                false),
            landing(
                RecordKind.GUIDELINE,
                Map.of(
                    "project_id",
                    "r",
                    "guideline_version",
                    "v2",
                    "effective_at",
                    "2026-01-12",
                    "relabel_policy",
                    "some"),
                false),
            landing(
                RecordKind.GUIDELINE,
                Map.of(
                    "project_id",
                    "s",
                    "guideline_version",
                    "v2",
                    "effective_at",
                    "2026-01-12",
                    "labels_removed",
                    "van"),
                false),
            landing(
                RecordKind.GUIDELINE,
                Map.of("project_id", "t", "guideline_version", "v2", "effective_at", "soon"),
                false),
            landing(
                RecordKind.GUIDELINE,
                Map.of("project_id", "u", "effective_at", "2026-01-12"),
                false));
    Dataset<Row> landing = spark.createDataFrame(rows, Columns.landingSchema(RecordKind.GUIDELINE));
    List<Row> out =
        IngestTransforms.validate(landing, RecordKind.GUIDELINE, RULES, null, AT)
            .orderBy("project_id")
            .select(
                "project_id",
                "reason_code",
                "detail",
                "relabel_policy",
                "labels_redefined",
                "labels_added")
            .collectAsList();
    assertThat(out.get(0).isNullAt(1)).as(String.valueOf(out.get(0))).isTrue();
    assertThat(out.get(0).getString(3)).isEqualTo("affected");
    assertThat(out.get(0).<String>getList(4)).containsExactly("van");
    assertThat(out.get(0).<String>getList(5)).as("absent list: none").isEmpty();
    assertThat(out.get(1).isNullAt(1)).isTrue();
    assertThat(out.get(1).getString(3)).as("default policy").isEqualTo("none");
    assertThat(out.get(2).getString(2)).contains("relabel_policy: 'some'");
    assertThat(out.get(3).getString(2)).contains("labels_removed: 'van'");
    assertThat(out.get(4).getString(1)).isEqualTo("INVALID_VALUE");
    assertThat(out.get(4).getString(2)).contains("effective_at: 'soon'");
    assertThat(out.get(5).getString(1)).isEqualTo("MISSING_REQUIRED_FIELD");
  }

  @Test
  void flagRecordsAreValidatedAndTheirRejectsCounted() {
    Map<String, String> ok =
        Map.of(
            "project_id",
            "p",
            "item_id",
            "i1",
            "worker_id",
            "w1",
            "question_text",
            " van or car? ",
            "raised_at",
            "2026-01-10T10:00:00Z");
    List<Row> rows =
        List.of(
            landing(RecordKind.FLAG, ok, false),
            // the same question landed twice
            landing(RecordKind.FLAG, ok, false),
            // no time: dated at the start of the logical date, like an annotation
            landing(RecordKind.FLAG, with(with(ok, "raised_at", null), "item_id", "i2"), false),
            landing(RecordKind.FLAG, with(ok, "question_text", "  "), false),
            landing(RecordKind.FLAG, with(ok, "worker_id", null), false),
            landing(RecordKind.FLAG, with(ok, "raised_at", "soon"), false),
            landing(RecordKind.FLAG, with(ok, "raised_at", "2099-01-01T00:00:00Z"), false),
            landing(RecordKind.FLAG, ok, true));
    Dataset<Row> landing = spark.createDataFrame(rows, Columns.landingSchema(RecordKind.FLAG));
    Dataset<Row> outcome =
        IngestTransforms.outcome(
            IngestTransforms.validate(landing, RecordKind.FLAG, RULES, null, AT),
            RecordKind.FLAG,
            null,
            "b1");
    Map<String, Long> byReason = new HashMap<>();
    for (Row r : outcome.groupBy("reason_code").count().collectAsList()) {
      byReason.put(r.isNullAt(0) ? "OK" : r.getString(0), r.getLong(1));
    }
    assertThat(byReason)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "OK", 2L,
                "DUPLICATE_RECORD", 1L,
                "MISSING_REQUIRED_FIELD", 2L,
                "INVALID_VALUE", 1L,
                "IMPOSSIBLE_TIMESTAMP", 1L,
                "MALFORMED_RECORD", 1L));
    List<Row> silver =
        IngestTransforms.accepted(outcome, RecordKind.FLAG).orderBy("item_id").collectAsList();
    assertThat(silver)
        .extracting(r -> r.<String>getAs("question_text"))
        .containsOnly("van or car?");
    assertThat(silver.get(0).<String>getAs("step")).isEqualTo("default");
    assertThat(silver.get(1).<Timestamp>getAs("raised_at"))
        .isEqualTo(Timestamp.from(Instant.parse("2026-01-31T00:00:00Z")));
    assertThat(IngestTransforms.rejects(outcome, RecordKind.FLAG).count()).isEqualTo(6);
    // the names labeling tools give these fields
    assertThat(RecordKind.FLAG.canonical("Comment")).isEqualTo("question_text");
    assertThat(RecordKind.FLAG.canonical("annotator")).isEqualTo("worker_id");
    assertThat(RecordKind.FLAG.canonical("created_at")).isEqualTo("raised_at");
    assertThat(RecordKind.ANNOTATIONS.canonical("comment")).isNull();
    assertThat(RecordKind.parse("flag")).isEqualTo(RecordKind.FLAG);
    assertThat(RecordKind.FLAG.table()).isEqualTo("annotator_questions");
  }
}
