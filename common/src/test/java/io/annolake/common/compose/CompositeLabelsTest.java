package io.annolake.common.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.SparkTestSession;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The seed's three-step pipeline (boxes -> attributes -> verification of attributes) on hand-made
 * consensus rows, each item a case computed by hand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompositeLabelsTest {
  private final SparkSession spark = SparkTestSession.get();

  private static final StructType CONSENSUS =
      new StructType()
          .add("project_id", DataTypes.StringType)
          .add("step", DataTypes.StringType)
          .add("item_id", DataTypes.StringType)
          .add("label", DataTypes.StringType)
          .add("decision", DataTypes.StringType)
          .add("confidence", DataTypes.DoubleType)
          .add("run_id", DataTypes.StringType)
          .add("guideline_version", DataTypes.StringType)
          .add("guideline_versions", DataTypes.createArrayType(DataTypes.StringType))
          .add("annotation_ids", DataTypes.createArrayType(DataTypes.StringType))
          .add("min_annotators", DataTypes.IntegerType);

  private final Pipeline seed =
      new Pipeline(
          "p1",
          List.of("boxes", "attributes", "verification"),
          Map.of("verification", "attributes"),
          List.of("yes"),
          List.of("no"));

  private Map<String, Row> composite;
  private List<Row> relabels;

  private static Row c(String step, String item, String label, String decision) {
    return RowFactory.create(
        "p1",
        step,
        item,
        label,
        decision,
        1.0,
        "run-c",
        "v1",
        new String[] {"v1"},
        new String[] {item + "-" + step + "-a1", item + "-" + step + "-a2"},
        3);
  }

  @BeforeAll
  void compose() {
    List<Row> rows =
        new ArrayList<>(
            List.of(
                // i1: every step final, verification YES (case-insensitive) -> COMPLETE
                c("boxes", "i1", "car", "AUTO_APPROVED"),
                c("attributes", "i1", "red", "MAJORITY"),
                c("verification", "i1", "YES", "AUTO_APPROVED"),
                // i2: verification says no to a crowd label -> REJECTED, back to attributes
                c("boxes", "i2", "bus", "ACCEPTED"),
                c("attributes", "i2", "blue", "ACCEPTED"),
                c("verification", "i2", "no", "MAJORITY"),
                // i3: attributes still PENDING, no verification yet -> IN_PROGRESS at attributes
                c("boxes", "i3", "van", "AUTO_APPROVED"),
                c("attributes", "i3", null, "PENDING"),
                // i4: an expert's attributes label outranks a "no" -> COMPLETE, nothing sent back
                c("boxes", "i4", "car", "GOLD"),
                c("attributes", "i4", "green", "ADJUDICATED"),
                c("verification", "i4", "no", "AUTO_APPROVED"),
                // i5: a final verification label that is neither yes nor no -> UNRECOGNIZED
                c("boxes", "i5", "car", "AUTO_APPROVED"),
                c("attributes", "i5", "red", "AUTO_APPROVED"),
                c("verification", "i5", "maybe", "AUTO_APPROVED"),
                // i6: boxes escalated, verification escalated -> IN_PROGRESS at boxes, PENDING
                c("boxes", "i6", "bus", "ESCALATED"),
                c("attributes", "i6", "red", "AUTO_APPROVED"),
                c("verification", "i6", "no", "ESCALATED")));
    // another project without a pipeline, and a step outside the pipeline: left out
    rows.add(
        RowFactory.create(
            "p2", "boxes", "i1", "car", "AUTO_APPROVED", 1.0, "run-c", "v1", null, null, 3));
    rows.add(
        RowFactory.create(
            "p1", "other", "i9", "x", "AUTO_APPROVED", 1.0, "run-c", "v1", null, null, 3));
    Dataset<Row> consensus = spark.createDataFrame(rows, CONSENSUS);
    Dataset<Row> steps =
        CompositeLabels.stepRows(consensus, CompositeLabels.spec(spark, List.of(seed)));
    composite = new TreeMap<>();
    for (Row r : CompositeLabels.composite(steps).collectAsList()) {
      composite.put(r.<String>getAs("item_id"), r);
    }
    StructType guidelineSchema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("guideline_version", DataTypes.StringType)
            .add("effective_at", DataTypes.TimestampType);
    Dataset<Row> guidelines =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "p1", "attributes", "v1", Timestamp.valueOf("2026-01-01 00:00:00")),
                RowFactory.create(
                    "p1", "attributes", "v2", Timestamp.valueOf("2026-02-01 00:00:00"))),
            guidelineSchema);
    relabels = CompositeLabels.relabels(steps, guidelines).collectAsList();
  }

  @Test
  void oneRowPerItemOfAPipelineProject() {
    assertThat(composite).containsOnlyKeys("i1", "i2", "i3", "i4", "i5", "i6");
    assertThat(composite.get("i1").<String>getAs("pipeline"))
        .isEqualTo("boxes -> attributes -> verification(attributes)");
  }

  @Test
  void acceptedWhenEveryStepIsFinalAndTheVerificationSaysYes() {
    Row r = composite.get("i1");
    assertThat(r.<Boolean>getAs("complete")).isTrue();
    assertThat(r.<String>getAs("status")).isEqualTo("COMPLETE");
    assertThat(r.<String>getAs("verification_outcome")).isEqualTo("ACCEPTED");
    assertThat(r.<String>getAs("next_step")).isNull();
    assertThat(r.<String, String>getJavaMap(r.fieldIndex("labels")))
        .isEqualTo(Map.of("boxes", "car", "attributes", "red", "verification", "YES"));
    List<Row> steps = r.getList(r.fieldIndex("steps"));
    assertThat(steps)
        .extracting(s -> s.<String>getAs("step"))
        .containsExactly("boxes", "attributes", "verification");
    assertThat(steps)
        .extracting(s -> s.<String>getAs("decision"))
        .containsExactly("AUTO_APPROVED", "MAJORITY", "AUTO_APPROVED");
    assertThat(steps).extracting(s -> s.<String>getAs("consensus_run_id")).containsOnly("run-c");
    List<Row> verifications = r.getList(r.fieldIndex("verifications"));
    assertThat(verifications).hasSize(1);
    assertThat(verifications.get(0).<String>getAs("verifies")).isEqualTo("attributes");
    assertThat(verifications.get(0).<String>getAs("outcome")).isEqualTo("ACCEPTED");
  }

  @Test
  void aRejectedVerificationSendsTheItemBackToTheVerifiedStep() {
    Row r = composite.get("i2");
    assertThat(r.<Boolean>getAs("complete")).isFalse();
    assertThat(r.<String>getAs("status")).isEqualTo("REJECTED");
    assertThat(r.<String>getAs("verification_outcome")).isEqualTo("REJECTED");
    assertThat(r.<String>getAs("next_step")).isEqualTo("attributes");

    assertThat(relabels).hasSize(1);
    Row q = relabels.get(0);
    assertThat(q.<String>getAs("project_id")).isEqualTo("p1");
    assertThat(q.<String>getAs("step")).isEqualTo("attributes");
    assertThat(q.<String>getAs("item_id")).isEqualTo("i2");
    assertThat(q.<String>getAs("reason")).isEqualTo("VERIFICATION_REJECTED");
    assertThat(q.getList(q.fieldIndex("old_versions"))).containsExactly("v1");
    assertThat(q.<String>getAs("new_version")).isEqualTo("v2");
    assertThat(q.<Integer>getAs("current_answers")).isZero();
    assertThat(q.getList(q.fieldIndex("superseded_annotation_ids")))
        .containsExactly("i2-attributes-a1", "i2-attributes-a2");
    assertThat(q.<Integer>getAs("answers_needed")).isEqualTo(3);
    assertThat(q.<Double>getAs("priority")).isEqualTo(1.0);
    assertThat(q.schema().fieldNames())
        .containsExactly(
            "project_id",
            "step",
            "item_id",
            "old_versions",
            "new_version",
            "reason",
            "current_answers",
            "superseded_annotation_ids",
            "answers_needed",
            "priority");
  }

  @Test
  void incompleteItemsWaitAtTheirFirstOpenStep() {
    Row i3 = composite.get("i3");
    assertThat(i3.<Boolean>getAs("complete")).isFalse();
    assertThat(i3.<String>getAs("status")).isEqualTo("IN_PROGRESS");
    assertThat(i3.<String>getAs("verification_outcome")).isEqualTo("PENDING");
    assertThat(i3.<String>getAs("next_step")).isEqualTo("attributes");
    List<Row> steps = i3.getList(i3.fieldIndex("steps"));
    assertThat(steps.get(2).<String>getAs("decision")).as("no verification row yet").isNull();
    assertThat(steps)
        .extracting(s -> s.<Boolean>getAs("final"))
        .containsExactly(true, false, false);

    Row i6 = composite.get("i6");
    assertThat(i6.<String>getAs("status")).isEqualTo("IN_PROGRESS");
    assertThat(i6.<String>getAs("verification_outcome"))
        .as("an escalated verification is not read")
        .isEqualTo("PENDING");
    assertThat(i6.<String>getAs("next_step")).isEqualTo("boxes");
  }

  @Test
  void anExpertLabelOutranksTheVerification() {
    Row r = composite.get("i4");
    assertThat(r.<Boolean>getAs("complete")).isTrue();
    assertThat(r.<String>getAs("verification_outcome")).isEqualTo("ACCEPTED");
    assertThat(relabels).extracting(q -> q.<String>getAs("item_id")).doesNotContain("i4");
  }

  @Test
  void aLabelThatIsNeitherYesNorNoIsUnrecognizedAndWaits() {
    Row r = composite.get("i5");
    assertThat(r.<Boolean>getAs("complete")).isFalse();
    assertThat(r.<String>getAs("status")).isEqualTo("IN_PROGRESS");
    assertThat(r.<String>getAs("verification_outcome")).isEqualTo("UNRECOGNIZED");
    assertThat(r.<String>getAs("next_step")).isEqualTo("verification");
  }
}
