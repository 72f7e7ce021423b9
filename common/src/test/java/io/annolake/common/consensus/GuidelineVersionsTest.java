package io.annolake.common.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.aggregation.Aggregators;
import io.annolake.common.aggregation.spark.SparkAggregation;
import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.consensus.GuidelineVersions.Coverage;
import io.annolake.common.consensus.GuidelineVersions.RelabelPolicy;
import io.annolake.common.consensus.GuidelineVersions.Version;
import io.annolake.common.testing.SparkTestSession;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Instruction debt: which answers later guideline versions supersede (pure), and consensus on a
 * hand-made step with three versions: superseded answers left out and listed, PENDING_RELABEL where
 * too few current answers remain, and the relabel_queue rows.
 */
class GuidelineVersionsTest {
  private final SparkSession spark = SparkTestSession.get();

  private static Version v(
      String step, String version, String day, RelabelPolicy policy, String... changed) {
    return new Version(
        "p", step, version, Instant.parse(day + "T00:00:00Z"), Set.of(changed), policy);
  }

  /**
   * default: v1, then v2 (affected; van redefined, truck removed), then v3 (none; car redefined).
   */
  private static final List<Version> VERSIONS =
      List.of(
          v("default", "v3", "2024-01-20", RelabelPolicy.NONE, "car"),
          v("default", "v1", "2024-01-01", RelabelPolicy.NONE),
          v("default", "v2", "2024-01-10", RelabelPolicy.AFFECTED, "van", "truck"),
          v("other", "v1", "2024-01-01", RelabelPolicy.NONE),
          v("other", "v2", "2024-01-05", RelabelPolicy.ALL),
          v("single", "v1", "2024-01-01", RelabelPolicy.ALL));

  @Test
  void laterPoliciesDecideWhatAnOlderVersionLoses() {
    Map<String, GuidelineVersions.StepRule> rules =
        GuidelineVersions.rules(new ArrayList<>(VERSIONS));
    GuidelineVersions.StepRule def = rules.get(SparkAggregation.taskKey("p", "default"));
    assertThat(def.newest()).as("ordered by effective time, not by listing").isEqualTo("v3");
    assertThat(def.superseded())
        .as("v1 loses its van and truck answers (v2); v3's policy is none: v2 loses nothing")
        .containsExactlyEntriesOf(Map.of("v1", new Coverage(false, Set.of("truck", "van"))));
    assertThat(rules.get(SparkAggregation.taskKey("p", "other")).superseded())
        .containsExactlyEntriesOf(Map.of("v1", new Coverage(true, Set.of())));
    GuidelineVersions.StepRule single = rules.get(SparkAggregation.taskKey("p", "single"));
    assertThat(single.newest()).isEqualTo("v1");
    assertThat(single.superseded())
        .as("the first version supersedes nothing, whatever its policy")
        .isEmpty();
  }

  @Test
  void supersededAnswersAndTooFewCurrentOnesArePendingRelabel() {
    String[][] answers = {
      // item, then worker:label:version
      {"enough", "w1:van:v1", "w2:car:v2", "w3:car:v3", "w4:car:v3"},
      {"short", "w1:truck:v1", "w2:van:v1", "w3:bus:v3"},
      {"unaffected", "w1:car:v1", "w2:car:v1", "w3:bus:v1"},
      {"stale", "w1:van:v1", "w2:van:v1", "w3:van:v1"},
      {"few", "w1:car:v3", "w2:car:v3"},
    };
    List<Row> rows = new ArrayList<>();
    for (String[] item : answers) {
      for (int k = 1; k < item.length; k++) {
        String[] a = item[k].split(":");
        rows.add(
            RowFactory.create(
                item[0] + "-" + a[0],
                "p",
                "default",
                item[0],
                a[0],
                a[1],
                a[2],
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
    List<Row> guidelineRows = new ArrayList<>();
    for (Version v : VERSIONS) {
      guidelineRows.add(
          RowFactory.create(
              v.project(),
              v.step(),
              v.version(),
              Timestamp.from(v.effectiveAt()),
              List.of(),
              new ArrayList<>(v.changed()),
              v.policy().name().toLowerCase(java.util.Locale.ROOT)));
    }
    Dataset<Row> guidelines =
        spark.createDataFrame(
            guidelineRows,
            new StructType()
                .add("project_id", DataTypes.StringType)
                .add("step", DataTypes.StringType)
                .add("guideline_version", DataTypes.StringType)
                .add("effective_at", DataTypes.TimestampType)
                .add("labels_removed", DataTypes.createArrayType(DataTypes.StringType))
                .add("labels_redefined", DataTypes.createArrayType(DataTypes.StringType))
                .add("relabel_policy", DataTypes.StringType));
    ConsensusSettings settings =
        ConsensusSettings.from(
            AnnolakeConfig.load(null, Map.of("annolake.consensus.method", "mv")));
    ConsensusPolicy.Method method = MethodParams.of(settings.aggregator());
    ConsensusComputation.Inputs inputs =
        new ConsensusComputation.Inputs(annotations, null, null, null, null, null, guidelines);
    try (ConsensusComputation fit =
        ConsensusComputation.fit(spark, inputs, Aggregators.byName("mv"), 2)) {
      Map<String, Row> byItem = new TreeMap<>();
      DecisionCounts counted = new DecisionCounts(spark.sparkContext());
      fit.labels(settings, method, counted)
          .collectAsList()
          .forEach(r -> byItem.put(r.getAs("item_id"), r));
      Map<String, String> decisions = new TreeMap<>();
      byItem.forEach((item, r) -> decisions.put(item, r.getAs("decision")));
      assertThat(decisions)
          .containsExactlyEntriesOf(
              new TreeMap<>(
                  Map.of(
                      "enough",
                      "AUTO_APPROVED",
                      "short",
                      "PENDING_RELABEL",
                      "unaffected",
                      "ESCALATED",
                      "stale",
                      "PENDING_RELABEL",
                      "few",
                      "PENDING")));
      assertThat(strings(byItem.get("enough"), "superseded_annotation_ids")).isEqualTo("enough-w1");
      assertThat(strings(byItem.get("enough"), "annotation_ids"))
          .isEqualTo("enough-w2,enough-w3,enough-w4");
      assertThat(strings(byItem.get("enough"), "guideline_versions"))
          .as("every version its answers came from")
          .isEqualTo("v1,v2,v3");
      assertThat(byItem.get("enough").<String>getAs("guideline_version")).isEqualTo("v3");
      assertThat(strings(byItem.get("unaffected"), "guideline_versions")).isEqualTo("v1");
      assertThat(strings(byItem.get("stale"), "superseded_annotation_ids"))
          .isEqualTo("stale-w1,stale-w2,stale-w3");
      assertThat(byItem.get("stale").<Integer>getAs("n_annotations")).isZero();
      assertThat(counted.values()).containsEntry("PENDING_RELABEL", 2L);

      Map<String, Row> queue = new TreeMap<>();
      fit.relabelQueue(settings, method)
          .collectAsList()
          .forEach(r -> queue.put(r.getAs("item_id"), r));
      assertThat(queue).containsOnlyKeys("short", "stale");
      Row shortItem = queue.get("short");
      assertThat(strings(shortItem, "old_versions")).isEqualTo("v1");
      assertThat(shortItem.<String>getAs("new_version")).isEqualTo("v3");
      assertThat(shortItem.<String>getAs("reason")).isEqualTo("SUPERSEDED_ANSWERS");
      assertThat(shortItem.<Integer>getAs("current_answers")).isEqualTo(1);
      assertThat(shortItem.<Integer>getAs("answers_needed")).isEqualTo(2);
      assertThat(shortItem.<Double>getAs("priority")).isEqualTo(2.0 / 3);
      assertThat(queue.get("stale").<Double>getAs("priority")).isEqualTo(1.0);
      assertThat(queue.get("stale").<Integer>getAs("answers_needed")).isEqualTo(3);
    }
  }

  private static String strings(Row r, String column) {
    return String.join(",", r.<String>getList(r.fieldIndex(column)));
  }
}
