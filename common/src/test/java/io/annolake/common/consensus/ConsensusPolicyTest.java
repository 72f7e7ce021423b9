package io.annolake.common.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.aggregation.Aggregators;
import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.consensus.ConsensusPolicy.EscalationReason;
import io.annolake.common.consensus.ConsensusPolicy.Thresholds;
import io.annolake.common.testing.SparkTestSession;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Every branch of the decision policy: as a pure function, and on a tiny hand-made project in
 * Spark.
 */
class ConsensusPolicyTest {
  private final SparkSession spark = SparkTestSession.get();
  private static final Thresholds T = new Thresholds(3, 0.8);

  private static final StructType ANNOTATIONS =
      new StructType()
          .add("annotation_id", DataTypes.StringType)
          .add("project_id", DataTypes.StringType)
          .add("step", DataTypes.StringType)
          .add("item_id", DataTypes.StringType)
          .add("worker_id", DataTypes.StringType)
          .add("label", DataTypes.StringType)
          .add("guideline_version", DataTypes.StringType)
          .add("submitted_at", DataTypes.TimestampType);

  @Test
  void precedenceIsGoldAdjudicationPendingUnanimousThreshold() {
    assertThat(ConsensusPolicy.decide("a", "b", 1, false, 0.1, T)).isEqualTo(Decision.GOLD);
    assertThat(ConsensusPolicy.decide(null, "b", 1, true, 1.0, T)).isEqualTo(Decision.ADJUDICATED);
    assertThat(ConsensusPolicy.decide(null, null, 2, true, 1.0, T)).isEqualTo(Decision.PENDING);
    assertThat(ConsensusPolicy.decide(null, null, 0, false, 0, new Thresholds(0, 0.8)))
        .isEqualTo(Decision.PENDING);
    assertThat(ConsensusPolicy.decide(null, null, 3, true, 0.5, T))
        .isEqualTo(Decision.AUTO_APPROVED);
    assertThat(ConsensusPolicy.decide(null, null, 4, false, 0.8, T))
        .as("at the threshold")
        .isEqualTo(Decision.ACCEPTED);
    assertThat(ConsensusPolicy.decide(null, null, 4, false, 0.79, T)).isEqualTo(Decision.ESCALATED);
  }

  private static final Thresholds VOTES = new Thresholds(3, 0.8, DecisionPolicy.VOTES, 0.5);

  /**
   * The seed's three-way rule: 3 of 3 auto-approved, 2 of 3 majority, 1-1-1 escalated; the
   * posterior is not read.
   */
  @Test
  void votesWithThreeAnswers() {
    assertThat(ConsensusPolicy.decide(null, null, 3, 3, 0.1, VOTES))
        .isEqualTo(Decision.AUTO_APPROVED);
    assertThat(ConsensusPolicy.decide(null, null, 3, 2, 0.1, VOTES))
        .as("2 of 3, low posterior")
        .isEqualTo(Decision.MAJORITY);
    assertThat(ConsensusPolicy.decide(null, null, 3, 1, 0.99, VOTES))
        .as("all differ, high posterior")
        .isEqualTo(Decision.ESCALATED);
    // the same counts under the posterior rule: 2 of 3 at 0.79 is escalated, at 0.8 accepted
    assertThat(ConsensusPolicy.decide(null, null, 3, 2, 0.79, T)).isEqualTo(Decision.ESCALATED);
    assertThat(ConsensusPolicy.decide(null, null, 3, 2, 0.8, T)).isEqualTo(Decision.ACCEPTED);
  }

  /** Gold, adjudication and the minimum come first under votes too. */
  @Test
  void votesKeepsThePrecedence() {
    assertThat(ConsensusPolicy.decide("a", null, 3, 2, 0, VOTES)).isEqualTo(Decision.GOLD);
    assertThat(ConsensusPolicy.decide(null, "a", 3, 1, 0, VOTES)).isEqualTo(Decision.ADJUDICATED);
    assertThat(ConsensusPolicy.decide(null, null, 2, 2, 1, VOTES))
        .as("2 unanimous, minimum 3")
        .isEqualTo(Decision.PENDING);
    assertThat(
            ConsensusPolicy.decide(
                null, null, 0, 0, 0, new Thresholds(0, 0.8, DecisionPolicy.VOTES, 0.5)))
        .isEqualTo(Decision.PENDING);
  }

  /**
   * n answers: MAJORITY when the top label has more than share x n. At 0.5: 3 of 4 yes, 2 of 4 (a
   * 2-2 tie, or 2-1-1) no; 3 of 5 yes; 6 of 10 yes, 5 of 10 no. At 0.6: 3 of 5 no (exactly 0.6), 4
   * of 5 yes, 6 of 10 no, 7 of 10 yes; 2 of 3 still yes (0.667).
   */
  @Test
  void votesGeneraliseByShare() {
    int[][] atHalf = {
      {4, 3, 1}, {4, 2, 0}, {5, 3, 1}, {10, 6, 1}, {10, 5, 0}, {7, 4, 1}, {7, 3, 0}
    };
    for (int[] c : atHalf) {
      assertThat(ConsensusPolicy.decide(null, null, c[0], c[1], 0, VOTES))
          .as(c[1] + " of " + c[0] + " at 0.5")
          .isEqualTo(c[2] == 1 ? Decision.MAJORITY : Decision.ESCALATED);
    }
    Thresholds sixty = new Thresholds(3, 0.8, DecisionPolicy.VOTES, 0.6);
    int[][] atSixty = {{3, 2, 1}, {5, 3, 0}, {5, 4, 1}, {10, 6, 0}, {10, 7, 1}};
    for (int[] c : atSixty) {
      assertThat(ConsensusPolicy.decide(null, null, c[0], c[1], 0, sixty))
          .as(c[1] + " of " + c[0] + " at 0.6")
          .isEqualTo(c[2] == 1 ? Decision.MAJORITY : Decision.ESCALATED);
    }
  }

  @Test
  void policyPerProjectAndStep() {
    ConsensusSettings s =
        ConsensusSettings.from(
            AnnolakeConfig.load(
                null,
                Map.of(
                    "annolake.consensus.decision-policy",
                    "posterior",
                    "annolake.consensus.decision-policy-overrides",
                    Map.of("p1", "votes", "p1/review", "posterior"))));
    assertThat(s.policyFor("p1", "default", null)).isEqualTo(DecisionPolicy.VOTES);
    assertThat(s.policyFor("p1", "review", null))
        .as("project/step wins")
        .isEqualTo(DecisionPolicy.POSTERIOR);
    assertThat(s.policyFor("p2", "default", null)).isEqualTo(DecisionPolicy.POSTERIOR);
    assertThat(s.policyFor("p1", "review", "VOTES"))
        .as("the label schema wins")
        .isEqualTo(DecisionPolicy.VOTES);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> s.policyFor("p1", "review", "majority"))
        .hasMessageContaining("label_schemas.decision_policy")
        .hasMessageContaining("'majority'");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ConsensusSettings.from(
                    AnnolakeConfig.load(
                        null,
                        Map.of(
                            "annolake.consensus.decision-policy-overrides", Map.of("p1", "vote")))))
        .hasMessageContaining("annolake.consensus.decision-policy-overrides.\"p1\"");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ConsensusSettings.from(
                    AnnolakeConfig.load(null, Map.of("annolake.consensus.majority-share", 0.4))))
        .hasMessageContaining("annolake.consensus.majority-share");
  }

  @Test
  void escalationReasons() {
    assertThat(ConsensusPolicy.reason(true, 0.5, 0.5))
        .isEqualTo(EscalationReason.ONLY_LOW_QUALITY_WORKERS);
    assertThat(ConsensusPolicy.reason(false, 0.5, 0.5)).isEqualTo(EscalationReason.TIE);
    assertThat(ConsensusPolicy.reason(false, 0.6, 0.4)).isEqualTo(EscalationReason.LOW_CONFIDENCE);
    assertThat(ConsensusPolicy.reason(DecisionPolicy.VOTES, false, 0.9, 0.1))
        .isEqualTo(EscalationReason.NO_MAJORITY);
    assertThat(ConsensusPolicy.reason(DecisionPolicy.VOTES, true, 0.9, 0.1))
        .isEqualTo(EscalationReason.ONLY_LOW_QUALITY_WORKERS);
  }

  private static final Timestamp EARLY = Timestamp.valueOf("2024-01-01 10:00:00");
  private static final Timestamp PAUSED = Timestamp.valueOf("2024-01-02 10:00:00");
  private static final Timestamp BACK = Timestamp.valueOf("2024-01-03 10:00:00");

  private Dataset<Row> annotations(String[][] answers) {
    List<Row> rows = new ArrayList<>();
    for (String[] item : answers) {
      for (int k = 1; k < item.length; k++) {
        String[] p = item[k].split(" "); // worker label [when: early|paused|back]
        Timestamp at =
            p.length < 3 || p[2].equals("early") ? EARLY : p[2].equals("paused") ? PAUSED : BACK;
        rows.add(
            RowFactory.create(item[0] + "-" + p[0], "p", "default", item[0], p[0], p[1], "v1", at));
      }
    }
    return spark.createDataFrame(rows, ANNOTATIONS);
  }

  private Dataset<Row> gold(String item, String label) {
    return spark.createDataFrame(
        List.of(RowFactory.create("p", "default", item, label, "v1")),
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("guideline_version", DataTypes.StringType));
  }

  private static ConsensusSettings settings(String method) {
    return ConsensusSettings.from(
        AnnolakeConfig.load(null, Map.of("annolake.consensus.method", method)));
  }

  @Test
  void decidesEveryBranchWhereTheAnswersAreCached() {
    String[][] answers = {
      {"gold", "w1 a", "w2 b", "w3 b"},
      {"adj", "w1 a", "w2 a", "w3 a"},
      {"pending", "w1 a", "w2 a"},
      {"unanimous", "w1 b", "w2 b", "w3 b"},
      {"clear", "w1 a", "w2 a", "w3 a", "w4 b"},
      {"split", "w1 a", "w2 b", "w3 a", "w4 b"},
    };
    Dataset<Row> adjudications =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "p", "default", "adj", "b", "e1", Timestamp.valueOf("2024-01-01 00:00:00")),
                RowFactory.create(
                    "p", "default", "adj", "a", "e2", Timestamp.valueOf("2023-12-01 00:00:00"))),
            new StructType()
                .add("project_id", DataTypes.StringType)
                .add("step", DataTypes.StringType)
                .add("item_id", DataTypes.StringType)
                .add("label", DataTypes.StringType)
                .add("expert_id", DataTypes.StringType)
                .add("decided_at", DataTypes.TimestampType));
    ConsensusSettings settings = settings("mv");
    ConsensusPolicy.Method method = MethodParams.of(settings.aggregator());
    ConsensusComputation.Inputs inputs =
        new ConsensusComputation.Inputs(
            annotations(answers), gold("gold", "a"), adjudications, null, null);
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
                      "gold",
                      "GOLD",
                      "adj",
                      "ADJUDICATED",
                      "pending",
                      "PENDING",
                      "unanimous",
                      "AUTO_APPROVED",
                      "clear",
                      "ESCALATED",
                      "split",
                      "ESCALATED")));
      assertThat(byItem.get("gold").<String>getAs("label")).isEqualTo("a");
      assertThat(byItem.get("gold").<Integer>getAs("n_agreeing")).isEqualTo(1);
      Row adj = byItem.get("adj");
      assertThat(adj.<String>getAs("label")).as("the latest decision wins").isEqualTo("b");
      assertThat(adj.<String>getAs("adjudicated_by")).isEqualTo("e1");
      assertThat(adj.<Boolean>getAs("adjudication_disagrees")).isTrue();
      assertThat(adj.<String>getAs("crowd_label")).isEqualTo("a");
      assertThat(adj.<Double>getAs("confidence")).isEqualTo(1.0);
      Row clear = byItem.get("clear");
      assertThat(clear.<Integer>getAs("n_agreeing")).isEqualTo(3);
      assertThat(clear.<Double>getAs("confidence")).isEqualTo(0.75);
      assertThat(clear.<scala.collection.Seq<String>>getAs("annotation_ids").toList().mkString(","))
          .isEqualTo("clear-w1,clear-w2,clear-w3,clear-w4");
      assertThat(clear.<scala.collection.Seq<String>>getAs("excluded_annotation_ids").size())
          .isZero();
      assertThat(byItem.get("split").<String>getAs("label"))
          .as("ties go to the first label")
          .isEqualTo("a");

      Map<String, String> reasons = new HashMap<>();
      fit.escalations(settings, method)
          .collectAsList()
          .forEach(r -> reasons.put(r.getAs("item_id"), r.getAs("reason")));
      assertThat(reasons)
          .containsExactlyInAnyOrderEntriesOf(Map.of("clear", "LOW_CONFIDENCE", "split", "TIE"));
      // Counted while the labels were built (the job's way): one per item, as the rows say.
      assertThat(counted.values())
          .containsEntry("ESCALATED", 2L)
          .containsEntry("GOLD", 1L)
          .isEqualTo(
              Map.of(
                  "GOLD",
                  1L,
                  "ADJUDICATED",
                  1L,
                  "PENDING",
                  1L,
                  "AUTO_APPROVED",
                  1L,
                  "ESCALATED",
                  2L));
      assertThat(counted.items()).isEqualTo(6);
    }
  }

  /**
   * The votes policy on the Spark side: MAJORITY takes the answers' label, escalations say
   * NO_MAJORITY.
   */
  @Test
  void votesDecideWhereTheAnswersAreCached() {
    String[][] answers = {
      {"all", "w1 a", "w2 a", "w3 a"},
      {"two", "w1 a", "w2 b", "w3 b"},
      {"differ", "w1 a", "w2 b", "w3 c"},
      {"tie4", "w1 a", "w2 a", "w3 b", "w4 b"},
    };
    ConsensusSettings settings =
        ConsensusSettings.from(
            AnnolakeConfig.load(
                null,
                Map.of(
                    "annolake.consensus.method",
                    "mv",
                    "annolake.consensus.decision-policy",
                    "votes")));
    ConsensusPolicy.Method method = MethodParams.of(settings.aggregator());
    ConsensusComputation.Inputs inputs =
        new ConsensusComputation.Inputs(annotations(answers), null, null, null, null);
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
                      "all",
                      "AUTO_APPROVED",
                      "two",
                      "MAJORITY",
                      "differ",
                      "ESCALATED",
                      "tie4",
                      "ESCALATED")));
      Row two = byItem.get("two");
      assertThat(two.<String>getAs("label")).isEqualTo("b");
      assertThat(two.<Double>getAs("confidence"))
          .as("mv's posterior of b")
          .isCloseTo(2.0 / 3, org.assertj.core.api.Assertions.within(1e-12));
      assertThat(two.<Integer>getAs("n_agreeing")).isEqualTo(2);
      assertThat(two.<String>getAs("decision_policy")).isEqualTo("votes");
      Map<String, String> reasons = new HashMap<>();
      fit.escalations(settings, method)
          .collectAsList()
          .forEach(r -> reasons.put(r.getAs("item_id"), r.getAs("reason")));
      assertThat(reasons)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("differ", "NO_MAJORITY", "tie4", "NO_MAJORITY"));
      assertThat(counted.values())
          .isEqualTo(Map.of("AUTO_APPROVED", 1L, "MAJORITY", 1L, "ESCALATED", 2L));
      // the same fit under the posterior rule (mv: 2/3 < 0.8): the two-of-three item is escalated
      Map<String, String> posterior = new TreeMap<>();
      fit.labels(settings.withDecisionPolicy(DecisionPolicy.POSTERIOR), method, null)
          .collectAsList()
          .forEach(r -> posterior.put(r.getAs("item_id"), r.getAs("decision")));
      assertThat(posterior).containsEntry("two", "ESCALATED").containsEntry("all", "AUTO_APPROVED");
    }
  }

  /**
   * Worker w4 is PAUSED from PAUSED to BACK: its answer submitted in between is left out and
   * listed; its answers before and after count. An item answered only while paused is PENDING.
   */
  @Test
  void leavesOutWorkSubmittedWhileTheWorkerWasPaused() {
    String[][] answers = {
      {"before", "w1 a", "w2 a", "w3 b", "w4 a early"},
      {"during", "w1 a", "w2 a", "w3 b", "w4 b paused"},
      {"after", "w1 a", "w2 a", "w3 b", "w4 b back"},
      {"only-paused", "w4 a paused"},
    };
    StructType intervalSchema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("worker_id", DataTypes.StringType)
            .add("status", DataTypes.StringType)
            .add("valid_from", DataTypes.TimestampType)
            .add("valid_to", DataTypes.TimestampType)
            .add("reason", DataTypes.StringType);
    Dataset<Row> intervals =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "p",
                    "default",
                    "w4",
                    "INSUFFICIENT_EVIDENCE",
                    new Timestamp(0),
                    PAUSED,
                    "no gold answers yet"),
                RowFactory.create(
                    "p", "default", "w4", "PAUSED", PAUSED, BACK, "ci_high below threshold"),
                RowFactory.create("p", "default", "w4", "PROBATION", BACK, null, "RETRAINED")),
            intervalSchema);
    ConsensusSettings settings = settings("mv");
    ConsensusPolicy.Method method = MethodParams.of(settings.aggregator());
    ConsensusComputation.Inputs inputs =
        new ConsensusComputation.Inputs(annotations(answers), null, null, null, intervals);
    try (ConsensusComputation fit =
        ConsensusComputation.fit(spark, inputs, Aggregators.byName("mv"), 2)) {
      Map<String, Row> byItem = new TreeMap<>();
      DecisionCounts counted = new DecisionCounts(spark.sparkContext());
      fit.labels(settings, method, counted)
          .collectAsList()
          .forEach(r -> byItem.put(r.getAs("item_id"), r));
      assertThat(byItem).containsOnlyKeys("before", "during", "after", "only-paused");
      assertThat(byItem.get("before").<Integer>getAs("n_annotations")).isEqualTo(4);
      assertThat(byItem.get("after").<Integer>getAs("n_annotations")).isEqualTo(4);
      Row during = byItem.get("during");
      assertThat(during.<Integer>getAs("n_annotations")).isEqualTo(3);
      assertThat(
              during
                  .<scala.collection.Seq<String>>getAs("excluded_annotation_ids")
                  .toList()
                  .mkString(","))
          .isEqualTo("during-w4");
      assertThat(
              during.<scala.collection.Seq<String>>getAs("annotation_ids").toList().mkString(","))
          .isEqualTo("during-w1,during-w2,during-w3");
      assertThat(during.<Double>getAs("crowd_confidence"))
          .isCloseTo(2.0 / 3, org.assertj.core.api.Assertions.within(1e-12));
      Row orphan = byItem.get("only-paused");
      assertThat(orphan.<String>getAs("decision")).isEqualTo("PENDING");
      assertThat(orphan.<Integer>getAs("n_annotations")).isZero();
      assertThat(orphan.<String>getAs("label")).isNull();
      assertThat(
              orphan
                  .<scala.collection.Seq<String>>getAs("excluded_annotation_ids")
                  .toList()
                  .mkString(","))
          .isEqualTo("only-paused-w4");
      assertThat(counted.items()).isEqualTo(4);
      assertThat(counted.values()).as("the orphan counted too").containsEntry("PENDING", 1L);
    }
  }
}
