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

/** Every branch of the decision policy on a tiny hand-made project. */
class ConsensusPolicyTest {
  private final SparkSession spark = SparkTestSession.get();

  private static final StructType ANNOTATIONS =
      new StructType().add("annotation_id", DataTypes.StringType).add("project_id", DataTypes.StringType)
          .add("step", DataTypes.StringType).add("item_id", DataTypes.StringType).add("worker_id", DataTypes.StringType)
          .add("label", DataTypes.StringType).add("guideline_version", DataTypes.StringType);

  @Test
  void decidesEveryBranch() {
    List<Row> rows = new ArrayList<>();
    String[][] answers = {
      {"gold", "w1 a", "w2 b", "w3 b"},
      {"adj", "w1 a", "w2 a", "w3 a"},
      {"pending", "w1 a", "w2 a"},
      {"unanimous", "w1 b", "w2 b", "w3 b"},
      {"clear", "w1 a", "w2 a", "w3 a", "w4 b"},
      {"split", "w1 a", "w2 b", "w3 a", "w4 b"},
    };
    for (String[] item : answers) {
      for (int k = 1; k < item.length; k++) {
        String[] p = item[k].split(" ");
        rows.add(RowFactory.create(item[0] + "-" + p[0], "p", "default", item[0], p[0], p[1], "v1"));
      }
    }
    Dataset<Row> annotations = spark.createDataFrame(rows, ANNOTATIONS);
    Dataset<Row> gold = spark.createDataFrame(List.of(RowFactory.create("p", "default", "gold", "a", "v1")),
        new StructType().add("project_id", DataTypes.StringType).add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType).add("label", DataTypes.StringType).add("guideline_version", DataTypes.StringType));
    Dataset<Row> adjudications = spark.createDataFrame(
        List.of(RowFactory.create("p", "default", "adj", "b", "e1", Timestamp.valueOf("2024-01-01 00:00:00"))),
        new StructType().add("project_id", DataTypes.StringType).add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType).add("label", DataTypes.StringType).add("expert_id", DataTypes.StringType)
            .add("decided_at", DataTypes.TimestampType));
    ConsensusSettings settings = ConsensusSettings.from(AnnolakeConfig.load(null, Map.of("annolake.consensus.method", "mv")));
    ConsensusPolicy.Method method = MethodParams.of(settings.aggregator());
    try (ConsensusComputation fit = ConsensusComputation.fit(spark, annotations, gold, null, Aggregators.byName("mv"), 2)) {
      Dataset<Row> decided = ConsensusPolicy.decide(fit.posteriors(), annotations, gold, adjudications, null, settings, method);
      Map<String, String> decisions = new TreeMap<>();
      Map<String, String> labels = new TreeMap<>();
      for (Row r : decided.collectAsList()) {
        decisions.put(r.getAs("item_id"), r.getAs("decision"));
        labels.put(r.getAs("item_id"), r.getAs("label"));
        if (r.<String>getAs("item_id").equals("adj")) {
          assertThat(r.<Boolean>getAs("adjudication_disagrees")).isTrue();
          assertThat(r.<String>getAs("crowd_label")).isEqualTo("a");
        }
        if (r.<String>getAs("item_id").equals("clear")) {
          assertThat(r.<Integer>getAs("n_agreeing")).isEqualTo(3);
          assertThat(r.<scala.collection.Seq<String>>getAs("annotation_ids").size()).isEqualTo(4);
        }
      }
      assertThat(decisions).containsExactlyEntriesOf(new TreeMap<>(Map.of(
          "gold", "GOLD", "adj", "ADJUDICATED", "pending", "PENDING", "unanimous", "AUTO_APPROVED",
          "clear", "ESCALATED", "split", "ESCALATED")));
      assertThat(labels).containsEntry("gold", "a").containsEntry("adj", "b").containsEntry("split", "a");
      assertThat(ConsensusPolicy.escalations(decided).count()).isEqualTo(2);
    }
  }
}
