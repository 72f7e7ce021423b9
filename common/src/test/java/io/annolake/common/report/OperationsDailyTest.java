package io.annolake.common.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.annolake.common.report.OperationsDaily.Outcome;
import io.annolake.common.testing.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * operations_daily on a tiny operation whose figures are computed by hand in the comments: two
 * days, one item per decision, two pre-label models, one gold item.
 */
class OperationsDailyTest {
  private final SparkSession spark = SparkTestSession.get();

  private static Timestamp at(int day, int hour) {
    return Timestamp.valueOf(String.format("2026-01-%02d %02d:00:00", day, hour));
  }

  private static Row a(
      String id,
      String item,
      String worker,
      String label,
      Timestamp at,
      long ms,
      String prelabel,
      String model,
      String cost,
      int revision) {
    return RowFactory.create(
        id,
        "p",
        "s",
        item,
        worker,
        label,
        "v1",
        at,
        ms,
        prelabel,
        model,
        cost == null ? null : new BigDecimal(cost),
        revision);
  }

  private Dataset<Row> annotations() {
    StructType schema =
        new StructType()
            .add("annotation_id", DataTypes.StringType)
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("worker_id", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("guideline_version", DataTypes.StringType)
            .add("submitted_at", DataTypes.TimestampType)
            .add("duration_ms", DataTypes.LongType)
            .add("prelabel", DataTypes.StringType)
            .add("prelabel_model", DataTypes.StringType)
            .add("cost", DataTypes.createDecimalType(12, 4))
            .add("revision", DataTypes.IntegerType);
    return spark.createDataFrame(
        List.of(
            a("a1", "i1", "w1", "cat", at(5, 8), 10_000, "cat", "m1", "0.10", 1), // pre-label kept
            a(
                "a2", "i1", "w2", "cat", at(5, 10), 20_000, null, null, "0.10",
                2), // one later revision
            a(
                "a3", "i2", "w1", "dog", at(5, 9), 30_000, "cat", "m1", "0.10",
                1), // pre-label corrected
            a("a4", "i2", "w2", "dog", at(5, 11), 40_000, null, null, "0.10", 1),
            a("a5", "i2", "w3", "cat", at(6, 12), 50_000, null, null, "0.20", 1),
            a("a6", "i3", "w1", "cat", at(6, 8), 60_000, "cat", "m2", "0.20", 1),
            a(
                "a7", "i3", "w2", "dog", at(6, 9), 70_000, null, null, "0.20",
                3), // two later revisions
            a(
                "a8", "g1", "w3", "cat", at(5, 12), 80_000, "cat", "m1", "0.10",
                1), // gold, right, pre-label kept
            a("a9", "g1", "w1", "dog", at(5, 13), 90_000, null, null, "0.10", 1), // gold, wrong
            a("a10", "i4", "w3", "fox", at(5, 14), 100_000, null, null, "0.10", 1),
            a("a11", "i5", "w2", "cat", at(6, 10), 110_000, null, null, null, 1),
            a(
                "a12", "i6", "w2", "cat", at(9, 10), 1_000, null, null, "9.00",
                1)), // after the logical date: left out
        schema);
  }

  private Dataset<Row> consensus() {
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("decision", DataTypes.StringType);
    return spark.createDataFrame(
        List.of(
            RowFactory.create("p", "s", "i1", "AUTO_APPROVED"),
                RowFactory.create("p", "s", "i2", "ACCEPTED"),
            RowFactory.create("p", "s", "i3", "ESCALATED"),
                RowFactory.create("p", "s", "g1", "GOLD"),
            RowFactory.create("p", "s", "i4", "ADJUDICATED"),
                RowFactory.create("p", "s", "i5", "PENDING")),
        schema);
  }

  private Dataset<Row> escalations() {
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("reason", DataTypes.StringType);
    return spark.createDataFrame(List.<Row>of(RowFactory.create("p", "s", "i3", "TIE")), schema);
  }

  private Dataset<Row> gold() {
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("guideline_version", DataTypes.StringType);
    return spark.createDataFrame(
        List.<Row>of(RowFactory.create("p", "s", "g1", "cat", "v1")), schema);
  }

  private Dataset<Row> adjudications() {
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("decided_at", DataTypes.TimestampType);
    return spark.createDataFrame(
        List.<Row>of(RowFactory.create("p", "s", "i4", at(6, 20))), schema);
  }

  private List<Row> rows(Dataset<Row> table) {
    return table.orderBy(OperationsDaily.DAY).collectAsList();
  }

  @Test
  void dailyFiguresMatchTheHandComputation() {
    List<Row> rows =
        rows(
            OperationsDaily.compute(
                annotations(),
                consensus(),
                escalations(),
                gold(),
                adjudications(),
                LocalDate.of(2026, 1, 7)));
    assertThat(rows).hasSize(2);
    Row d5 = rows.get(0);
    Row d6 = rows.get(1);

    // Jan 5: a1 a2 a3 a4 a8 a9 a10 on i1 i2 g1 i4; one later revision (a2); cost 7 x 0.10
    assertThat(d5.<Long>getAs("answers")).isEqualTo(7);
    assertThat(d5.<Long>getAs("items_answered")).isEqualTo(4);
    assertThat(d5.<Long>getAs("revisions")).isEqualTo(1);
    assertThat(d5.<Double>getAs("revision_rate")).isCloseTo(1.0 / 7, within(1e-12));
    assertThat(d5.<Double>getAs("cost")).isCloseTo(0.7, within(1e-9));
    // gold: a8 right, a9 wrong
    assertThat(d5.<Long>getAs("gold_answers")).isEqualTo(2);
    assertThat(d5.<Double>getAs("gold_accuracy")).isEqualTo(0.5);
    // with a pre-label: 10, 30, 80 s -> 30 s; without: 20, 40, 90, 100 s -> 40 s (the lower middle
    // value)
    assertThat(d5.<Double>getAs("median_duration_ms_with_prelabel")).isEqualTo(30_000);
    assertThat(d5.<Double>getAs("median_duration_ms_without_prelabel")).isEqualTo(40_000);
    // decided on Jan 5: i1 (AUTO_APPROVED at its last answer, 10:00) and g1 (GOLD at 13:00)
    assertThat(d5.<Long>getAs("items_final")).isEqualTo(2);
    assertThat(d5.getJavaMap(d5.fieldIndex("items_by_decision")))
        .isEqualTo(Map.of("AUTO_APPROVED", 1L, "GOLD", 1L));
    assertThat(d5.<Long>getAs("accepted_labels"))
        .isEqualTo(1); // gold items are not accepted labels
    assertThat(d5.<Double>getAs("cost_per_accepted_label")).isCloseTo(0.7, within(1e-9));
    assertThat(
            List.of(
                d5.<Long>getAs("outcome_unanimous"),
                d5.<Long>getAs("outcome_majority"),
                d5.<Long>getAs("outcome_escalated")))
        .containsExactly(1L, 0L, 0L);
    // hours from first answer to final label: i1 2 h, g1 1 h
    assertThat(d5.<Double>getAs("median_hours_to_final")).isEqualTo(1.0);
    assertThat(d5.<Double>getAs("p90_hours_to_final")).isEqualTo(2.0);
    assertThat(d5.<Long>getAs("escalations_open")).isZero();
    assertThat(d5.<Integer>getAs("backlog_age_days")).isEqualTo(2);
    // pre-label model m1 on Jan 5: a1 kept, a3 corrected, a8 kept (on gold, right)
    List<Row> m5 = d5.getList(d5.fieldIndex("prelabel_models"));
    assertThat(m5).hasSize(1);
    Row m1 = m5.get(0);
    assertThat(m1.<String>getAs("model")).isEqualTo("m1");
    assertThat(m1.<Long>getAs("answers")).isEqualTo(3);
    assertThat(m1.<Long>getAs("accepted_unchanged")).isEqualTo(2);
    assertThat(m1.<Long>getAs("corrected")).isEqualTo(1);
    assertThat(m1.<Double>getAs("share_accepted_unchanged")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m1.<Double>getAs("share_corrected")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(m1.<Long>getAs("gold_accepted")).isEqualTo(1);
    assertThat(m1.<Double>getAs("gold_accuracy_accepted")).isEqualTo(1.0);
    assertThat(m1.<Double>getAs("median_duration_ms")).isEqualTo(30_000);

    // Jan 6: a5 a6 a7 a11 on i2 i3 i5; two later revisions (a7); cost 0.20 x 3 (a11 has none)
    assertThat(d6.<Long>getAs("answers")).isEqualTo(4);
    assertThat(d6.<Long>getAs("items_answered")).isEqualTo(3);
    assertThat(d6.<Double>getAs("revision_rate")).isEqualTo(0.5);
    assertThat(d6.<Double>getAs("cost")).isCloseTo(0.6, within(1e-9));
    assertThat(d6.<Long>getAs("gold_answers")).isZero();
    assertThat(d6.<Double>getAs("gold_accuracy")).isNull();
    assertThat(d6.<Double>getAs("median_duration_ms_with_prelabel")).isEqualTo(60_000);
    assertThat(d6.<Double>getAs("median_duration_ms_without_prelabel")).isEqualTo(70_000);
    // i2 ACCEPTED at its last answer (Jan 6 12:00), i3 ESCALATED (Jan 6 09:00), i4 ADJUDICATED (Jan
    // 6 20:00); i5 PENDING: no day
    assertThat(d6.getJavaMap(d6.fieldIndex("items_by_decision")))
        .isEqualTo(Map.of("ACCEPTED", 1L, "ESCALATED", 1L, "ADJUDICATED", 1L));
    assertThat(d6.<Long>getAs("items_final")).isEqualTo(2);
    assertThat(d6.<Long>getAs("accepted_labels")).isEqualTo(2);
    assertThat(d6.<Double>getAs("cost_per_accepted_label")).isCloseTo(0.3, within(1e-9));
    assertThat(
            List.of(
                d6.<Long>getAs("outcome_unanimous"),
                d6.<Long>getAs("outcome_majority"),
                d6.<Long>getAs("outcome_escalated")))
        .containsExactly(0L, 1L, 2L);
    // i2: Jan 5 09:00 -> Jan 6 12:00 = 27 h; i4: Jan 5 14:00 -> Jan 6 20:00 = 30 h
    assertThat(d6.<Double>getAs("median_hours_to_final")).isEqualTo(27.0);
    assertThat(d6.<Double>getAs("p90_hours_to_final")).isEqualTo(30.0);
    assertThat(d6.<Long>getAs("escalations_open")).isEqualTo(1);
    assertThat(d6.getJavaMap(d6.fieldIndex("escalations_open_by_reason")))
        .isEqualTo(Map.of("TIE", 1L));
    assertThat(d6.<Integer>getAs("backlog_age_days")).isEqualTo(1);
    Row m2 = d6.<Row>getList(d6.fieldIndex("prelabel_models")).get(0);
    assertThat(m2.<String>getAs("model")).isEqualTo("m2");
    assertThat(m2.<Long>getAs("accepted_unchanged")).isEqualTo(1);
    assertThat(m2.<Double>getAs("gold_accuracy_accepted")).isNull();
  }

  @Test
  void withoutConsensusOnlyAnswerFiguresAreFilled() {
    Dataset<Row> table =
        OperationsDaily.compute(annotations(), null, null, null, null, LocalDate.of(2026, 1, 7));
    List<Row> rows = rows(table);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).<Long>getAs("answers")).isEqualTo(7);
    assertThat(rows.get(0).<Long>getAs("gold_answers")).isZero();
    assertThat(rows.get(0).<Long>getAs("items_final")).isNull();
    assertThat(table.columns()).doesNotContain("outcome_unanimous");
  }

  @Test
  void aMajorityDecisionCountsAsAMajorityOutcome() {
    assertThat(Outcome.of("AUTO_APPROVED")).isEqualTo(Outcome.UNANIMOUS);
    assertThat(Outcome.of("ACCEPTED")).isEqualTo(Outcome.MAJORITY);
    assertThat(Outcome.of("MAJORITY")).isEqualTo(Outcome.MAJORITY);
    assertThat(Outcome.of("ADJUDICATED")).isEqualTo(Outcome.ESCALATED);
    assertThat(Outcome.of("GOLD")).isNull();
    assertThat(Outcome.of("PENDING")).isNull();
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("decision", DataTypes.StringType);
    Dataset<Row> consensus =
        spark.createDataFrame(List.<Row>of(RowFactory.create("p", "s", "i2", "MAJORITY")), schema);
    Row d6 =
        rows(OperationsDaily.compute(
                annotations(), consensus, null, null, null, LocalDate.of(2026, 1, 7)))
            .get(1);
    assertThat(d6.<Long>getAs("outcome_majority")).isEqualTo(1);
    assertThat(d6.<Long>getAs("accepted_labels")).isEqualTo(1);
  }
}
