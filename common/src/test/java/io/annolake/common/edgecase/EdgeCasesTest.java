package io.annolake.common.edgecase;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.schema.EdgeCaseSchemas;
import io.annolake.common.testing.SparkTestSession;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The edge-case library on a hand-made operation whose every row is worked out by hand. */
class EdgeCasesTest {
  private final SparkSession spark = SparkTestSession.get();

  private static Timestamp at(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }

  private Dataset<Row> questions(Object[]... rows) {
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("worker_id", DataTypes.StringType)
            .add("question_text", DataTypes.StringType)
            .add("raised_at", DataTypes.TimestampType);
    return spark.createDataFrame(
        java.util.Arrays.stream(rows).map(RowFactory::create).toList(), schema);
  }

  private Dataset<Row> adjudications(Object[]... rows) {
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("expert_id", DataTypes.StringType)
            .add("rationale", DataTypes.StringType)
            .add("decided_at", DataTypes.TimestampType);
    return spark.createDataFrame(
        java.util.Arrays.stream(rows).map(RowFactory::create).toList(), schema);
  }

  /** p1/s: v1 from Jan 5, v2 from Jan 12 redefining "van"; p2/s: v1 only. */
  private Dataset<Row> guidelines() {
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("guideline_version", DataTypes.StringType)
            .add("effective_at", DataTypes.TimestampType)
            .add("labels_added", DataTypes.createArrayType(DataTypes.StringType))
            .add("labels_redefined", DataTypes.createArrayType(DataTypes.StringType));
    String[] none = {};
    return spark.createDataFrame(
        List.of(
            RowFactory.create(
                "p1", "s", "v1", at("2026-01-05T00:00:00Z"), new String[] {"car", "van"}, none),
            RowFactory.create(
                "p1", "s", "v2", at("2026-01-12T00:00:00Z"), none, new String[] {"van"}),
            RowFactory.create(
                "p2", "s", "v1", at("2026-01-05T00:00:00Z"), new String[] {"car", "van"}, none)),
        schema);
  }

  private Dataset<Row> escalations() {
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("reason", DataTypes.StringType);
    return spark.createDataFrame(
        List.of(RowFactory.create("p1", "s", "i4", "LOW_CONFIDENCE")), schema);
  }

  private Dataset<Row> consensus() {
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("decision", DataTypes.StringType)
            .add("guideline_version", DataTypes.StringType);
    return spark.createDataFrame(
        List.of(
            RowFactory.create("p1", "s", "i4", "ESCALATED", "v2"),
            RowFactory.create("p1", "s", "i6", "ACCEPTED", "v2")),
        schema);
  }

  private static Map<String, Row> byKey(Dataset<Row> rows) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : rows.collectAsList()) {
      out.put(r.<String>getAs("project_id") + "/" + r.<String>getAs("item_id"), r);
    }
    return out;
  }

  @Test
  void questionsDecisionsFoldsAndContestsGetTheirStatus() {
    Dataset<Row> q =
        questions(
            new Object[] {"p1", "s", "i1", "w1", "van or car?", at("2026-01-06T10:00:00Z")},
            new Object[] {"p1", "s", "i1", "w2", "still unclear", at("2026-01-13T09:00:00Z")},
            new Object[] {"p1", "s", "i2", "w1", "a pickup?", at("2026-01-06T11:00:00Z")},
            new Object[] {"p1", "s", "i3", "w3", "a minibus?", at("2026-01-06T12:00:00Z")},
            new Object[] {"p1", "s", "i7", "w1", "and now?", at("2026-01-09T00:00:00Z")},
            new Object[] {
              "p2", "s", "i1", "w9", "same id, other project", at("2026-01-06T10:00:00Z")
            });
    Dataset<Row> a =
        adjudications(
            new Object[] {
              "p1", "s", "i2", "car", "e1", "open bed, four wheels", at("2026-01-07T00:00:00Z")
            },
            new Object[] {
              "p1", "s", "i3", "van", "e2", "seats up to nine", at("2026-01-08T00:00:00Z")
            },
            // an earlier decision on i3: the latest one wins
            new Object[] {"p1", "s", "i3", "car", "e1", "first look", at("2026-01-07T00:00:00Z")},
            new Object[] {"p1", "s", "i5", "van", "e1", "sliding door", at("2026-01-13T00:00:00Z")},
            new Object[] {"p1", "s", "i6", "car", "e1", null, at("2026-01-07T00:00:00Z")},
            new Object[] {"p1", "s", "i7", "car", "e1", "decided", at("2026-01-07T00:00:00Z")},
            new Object[] {
              "p2", "s", "i1", "van", "e3", "seats up to nine", at("2026-01-08T00:00:00Z")
            });
    Dataset<Row> out =
        EdgeCases.build(
            spark, new EdgeCases.Inputs(q, a, guidelines(), escalations(), consensus()));
    assertThat(out.schema().simpleString()).isEqualTo(EdgeCaseSchemas.EDGE_CASES.simpleString());
    Map<String, Row> cases = byKey(out);
    assertThat(cases.keySet())
        .as("i6: decided without a rationale, never asked, not contested: not a case")
        .containsExactlyInAnyOrder("p1/i1", "p1/i2", "p1/i3", "p1/i4", "p1/i5", "p1/i7", "p2/i1");

    // a question only: open, raised under v1; its two questions oldest first, each with its version
    Row i1 = cases.get("p1/i1");
    assertThat(i1.<String>getAs("status")).isEqualTo("OPEN");
    assertThat(i1.<String>getAs("status_reason")).isEqualTo("question awaiting an expert");
    assertThat(i1.<String>getAs("raised_under_version")).isEqualTo("v1");
    assertThat(i1.<Integer>getAs("question_count")).isEqualTo(2);
    assertThat(i1.<Row>getList(i1.fieldIndex("questions")))
        .extracting(r -> r.mkString("|"))
        .containsExactly(
            "w1|van or car?|" + at("2026-01-06T10:00:00Z") + "|v1",
            "w2|still unclear|" + at("2026-01-13T09:00:00Z") + "|v2");
    assertThat(i1.<String>getAs("resolved_label")).isNull();

    // adjudicated after the question: resolved with the expert's label and rationale
    Row i2 = cases.get("p1/i2");
    assertThat(i2.<String>getAs("status")).isEqualTo("RESOLVED");
    assertThat(i2.<String>getAs("resolved_label")).isEqualTo("car");
    assertThat(i2.<String>getAs("rationale")).isEqualTo("open bed, four wheels");
    assertThat(i2.<String>getAs("expert_id")).isEqualTo("e1");
    assertThat(i2.<String>getAs("folded_into_version")).as("v2 redefines van, not car").isNull();

    // decided 'van' on Jan 8; v2 (Jan 12) redefines 'van': folded into v2
    Row i3 = cases.get("p1/i3");
    assertThat(i3.<String>getAs("status")).isEqualTo("FOLDED");
    assertThat(i3.<String>getAs("resolved_label")).isEqualTo("van");
    assertThat(i3.<String>getAs("rationale")).isEqualTo("seats up to nine");
    assertThat(i3.<String>getAs("folded_into_version")).isEqualTo("v2");
    assertThat(i3.<Timestamp>getAs("folded_at")).isEqualTo(at("2026-01-12T00:00:00Z"));
    assertThat(i3.<String>getAs("status_reason")).isEqualTo("guideline v2 redefines 'van'");
    assertThat(i3.<String>getAs("raised_under_version")).isEqualTo("v1");

    // escalated, never asked: open with the escalation's reason; the version of its answers
    Row i4 = cases.get("p1/i4");
    assertThat(i4.<String>getAs("status")).isEqualTo("OPEN");
    assertThat(i4.<String>getAs("status_reason")).isEqualTo("escalated: LOW_CONFIDENCE");
    assertThat(i4.<Boolean>getAs("contested")).isTrue();
    assertThat(i4.<String>getAs("escalation_reason")).isEqualTo("LOW_CONFIDENCE");
    assertThat(i4.<Integer>getAs("question_count")).isZero();
    assertThat(i4.<Row>getList(i4.fieldIndex("questions"))).isEmpty();
    assertThat(i4.<String>getAs("raised_under_version")).isEqualTo("v2");
    assertThat(i4.<Timestamp>getAs("opened_at")).isNull();

    // decided 'van' after v2 took effect: nothing later folds it; raised under v2
    Row i5 = cases.get("p1/i5");
    assertThat(i5.<String>getAs("status")).isEqualTo("RESOLVED");
    assertThat(i5.<String>getAs("raised_under_version")).isEqualTo("v2");
    assertThat(i5.<Timestamp>getAs("opened_at")).isEqualTo(at("2026-01-13T00:00:00Z"));

    // asked again after the decision: reopened
    Row i7 = cases.get("p1/i7");
    assertThat(i7.<String>getAs("status")).isEqualTo("OPEN");
    assertThat(i7.<String>getAs("status_reason"))
        .isEqualTo("question raised after the expert's decision");
    assertThat(i7.<String>getAs("resolved_label")).isEqualTo("car");

    // the same item id in another project: its own question, decision and guidelines (no v2)
    Row p2 = cases.get("p2/i1");
    assertThat(p2.<String>getAs("status")).isEqualTo("RESOLVED");
    assertThat(p2.<String>getAs("expert_id")).isEqualTo("e3");
    assertThat(p2.<Row>getList(p2.fieldIndex("questions")))
        .extracting(r -> r.getString(0))
        .containsExactly("w9");
    assertThat(cases.get("p1/i1").<Row>getList(i1.fieldIndex("questions")))
        .extracting(r -> r.getString(0))
        .containsExactly("w1", "w2");
  }

  @Test
  void absentTablesGiveCasesWithoutVersions() {
    Dataset<Row> q =
        questions(
            new Object[] {"p1", "s", "i1", "w1", "what is this?", at("2026-01-06T10:00:00Z")});
    List<Row> out =
        EdgeCases.build(spark, new EdgeCases.Inputs(q, null, null, null, null)).collectAsList();
    assertThat(out).hasSize(1);
    Row r = out.get(0);
    assertThat(r.<String>getAs("status")).isEqualTo("OPEN");
    assertThat(r.<String>getAs("raised_under_version")).isNull();
    assertThat(r.<Boolean>getAs("contested")).isFalse();
    assertThat(EdgeCases.build(spark, new EdgeCases.Inputs(null, null, null, null, null)).count())
        .isZero();
  }
}
