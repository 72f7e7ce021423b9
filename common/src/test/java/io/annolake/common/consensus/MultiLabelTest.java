package io.annolake.common.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.aggregation.Aggregators;
import io.annolake.common.config.AnnolakeConfig;
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
import org.junit.jupiter.api.Test;

/**
 * A multi-label step decided per label: each allowed label a present/absent task under the votes
 * policy (majority vote), hand-computed, then combined into one row per item beside a single-label
 * step that is left as it was.
 */
class MultiLabelTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void eachLabelIsABinaryTaskAndTheSetIsItsPresentLabels() {
    String[][] answers = {
      // item, step, then one label set (or label) per worker
      // red 3 of 3 present (AUTO_APPROVED); blue and striped 1 of 3 -> absent by 2 of 3 (MAJORITY)
      {"m1", "attributes", "[\"red\",\"striped\"]", "[\"red\"]", "[\"blue\",\"red\"]"},
      // every label unanimous
      {"m2", "attributes", "[\"blue\"]", "[\"blue\"]", "[\"blue\"]"},
      // two answers, three needed: every label PENDING
      {"m3", "attributes", "[\"red\"]", "[\"red\"]"},
      // red 2 of 4: no strict majority -> ESCALATED
      {"m4", "attributes", "[\"blue\",\"red\"]", "[\"red\"]", "[\"blue\"]", "[]"},
      // a single-label step beside it
      {"m1", "boxes", "car", "car", "car"},
    };
    List<Row> rows = new ArrayList<>();
    for (String[] a : answers) {
      for (int k = 2; k < a.length; k++) {
        rows.add(
            RowFactory.create(
                a[0] + "-" + a[1] + "-w" + k,
                "p",
                a[1],
                a[0],
                "w" + k,
                a[k],
                "v1",
                Timestamp.valueOf("2024-01-25 10:00:00")));
      }
    }
    Dataset<Row> annotations =
        spark.createDataFrame(
            rows,
            new StructType()
                .add("annotation_id", DataTypes.StringType)
                .add("project_id", DataTypes.StringType)
                .add("step", DataTypes.StringType)
                .add("item_id", DataTypes.StringType)
                .add("worker_id", DataTypes.StringType)
                .add("label", DataTypes.StringType)
                .add("guideline_version", DataTypes.StringType)
                .add("submitted_at", DataTypes.TimestampType));
    Dataset<Row> schemas =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "p",
                    "attributes",
                    "v1",
                    "multi_label",
                    List.of("red", "blue", "striped"),
                    3,
                    0.8,
                    "votes"),
                RowFactory.create(
                    "p", "boxes", "v1", "categorical", List.of("car", "bus"), 3, 0.8, "votes")),
            new StructType()
                .add("project_id", DataTypes.StringType)
                .add("step", DataTypes.StringType)
                .add("guideline_version", DataTypes.StringType)
                .add("label_type", DataTypes.StringType)
                .add("labels", DataTypes.createArrayType(DataTypes.StringType))
                .add("min_annotators", DataTypes.IntegerType)
                .add("accept_threshold", DataTypes.DoubleType)
                .add("decision_policy", DataTypes.StringType));
    Dataset<Row> multi = MultiLabel.steps(schemas);
    assertThat(multi.collectAsList()).hasSize(1);

    Dataset<Row> binary = MultiLabel.binarize(annotations, multi);
    assertThat(binary.columns()).containsExactly(annotations.columns());
    // 3 + 3 + 2 + 4 answers x 3 labels, and the 3 single-label answers
    assertThat(binary.count()).isEqualTo(12 * 3 + 3);
    assertThat(
            binary
                .where("item_id = 'm1' AND step = 'attributes[striped]'")
                .orderBy("worker_id")
                .select("label")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("present", "absent", "absent");

    ConsensusSettings settings =
        ConsensusSettings.from(
            AnnolakeConfig.load(null, Map.of("annolake.consensus.method", "mv")));
    ConsensusPolicy.Method method = MethodParams.of(settings.aggregator());
    ConsensusComputation.Inputs inputs =
        new ConsensusComputation.Inputs(
            binary, null, null, MultiLabel.binarizeSchemas(schemas), null, null, null);
    try (ConsensusComputation fit =
        ConsensusComputation.fit(spark, inputs, Aggregators.byName("mv"), 2)) {
      Dataset<Row> perLabel = fit.labels(settings, method, null).cache();
      Map<String, Row> presence = new TreeMap<>();
      for (Row r : MultiLabel.presence(perLabel, multi).collectAsList()) {
        presence.put(r.getAs("item_id") + "/" + r.getAs("label"), r);
      }
      assertThat(presence).hasSize(4 * 3);
      assertThat(presence.get("m1/red").<Boolean>getAs("present")).isTrue();
      assertThat(presence.get("m1/red").<String>getAs("decision")).isEqualTo("AUTO_APPROVED");
      assertThat(presence.get("m1/blue").<Boolean>getAs("present")).isFalse();
      assertThat(presence.get("m1/blue").<String>getAs("decision")).isEqualTo("MAJORITY");
      assertThat(presence.get("m1/striped").<String>getAs("decision")).isEqualTo("MAJORITY");
      assertThat(presence.get("m1/blue").<Double>getAs("probability_present"))
          .as("majority vote's posterior: the share of answers")
          .isEqualTo(1.0 / 3);
      assertThat(presence.get("m3/red").<String>getAs("decision")).isEqualTo("PENDING");
      assertThat(presence.get("m4/red").<String>getAs("decision")).isEqualTo("ESCALATED");
      assertThat(presence.get("m4/striped").<String>getAs("decision")).isEqualTo("AUTO_APPROVED");

      Dataset<Row> combined = MultiLabel.combine(perLabel, multi);
      assertThat(combined.columns()).containsExactly(perLabel.columns());
      Map<String, Row> byItem = new TreeMap<>();
      for (Row r : combined.collectAsList()) {
        byItem.put(r.getAs("item_id") + "/" + r.getAs("step"), r);
      }
      assertThat(byItem)
          .containsOnlyKeys(
              "m1/attributes", "m2/attributes", "m3/attributes", "m4/attributes", "m1/boxes");
      Row m1 = byItem.get("m1/attributes");
      assertThat(m1.<String>getAs("label")).isEqualTo("[\"red\"]");
      assertThat(m1.<String>getAs("decision"))
          .as("as settled as its least settled label")
          .isEqualTo("MAJORITY");
      assertThat(m1.<Double>getAs("confidence")).isEqualTo(2.0 / 3);
      assertThat(m1.<Integer>getAs("n_annotations")).isEqualTo(3);
      assertThat(m1.getList(m1.fieldIndex("annotation_ids")))
          .containsExactly("m1-attributes-w2", "m1-attributes-w3", "m1-attributes-w4");
      List<Row> candidates = m1.getList(m1.fieldIndex("candidates"));
      assertThat(candidates)
          .extracting(c -> c.getString(0) + "=" + c.getDouble(1))
          .containsExactly("blue=" + 1.0 / 3, "red=1.0", "striped=" + 1.0 / 3);
      Row m2 = byItem.get("m2/attributes");
      assertThat(m2.<String>getAs("label")).isEqualTo("[\"blue\"]");
      assertThat(m2.<String>getAs("decision")).isEqualTo("AUTO_APPROVED");
      Row m3 = byItem.get("m3/attributes");
      assertThat(m3.<String>getAs("label"))
          .as("provisional, as a PENDING single-label row's")
          .isEqualTo("[\"red\"]");
      assertThat(m3.<String>getAs("decision")).isEqualTo("PENDING");
      assertThat(byItem.get("m4/attributes").<String>getAs("decision")).isEqualTo("ESCALATED");
      Row boxes = byItem.get("m1/boxes");
      assertThat(boxes.<String>getAs("label")).isEqualTo("car");
      assertThat(boxes.<String>getAs("decision")).isEqualTo("AUTO_APPROVED");

      // back to per-label rows for comparisons label by label (agreement): each label's decision
      Map<String, String> split = new TreeMap<>();
      for (Row r :
          MultiLabel.perLabel(combined, MultiLabel.presence(perLabel, multi), multi)
              .collectAsList()) {
        split.put(
            r.getAs("item_id") + "/" + r.getAs("step"),
            r.getAs("label") + "/" + r.getAs("decision"));
      }
      assertThat(split)
          .hasSize(4 * 3 + 1)
          .doesNotContainKey("m1/attributes")
          .containsEntry("m1/attributes[red]", "present/AUTO_APPROVED")
          .containsEntry("m1/attributes[blue]", "absent/MAJORITY")
          // an escalated label keeps its provisional value, as a single-label row does
          .containsEntry("m4/attributes[red]", "absent/ESCALATED")
          .containsEntry("m1/boxes", "car/AUTO_APPROVED");
      perLabel.unpersist();
    }
  }
}
