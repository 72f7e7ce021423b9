package io.annolake.common.consensus;

import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annolake.common.aggregation.Aggregators;
import io.annolake.common.anomaly.AnomalyCode;
import io.annolake.common.anomaly.Severity;
import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.testing.SparkTestSession;
import java.sql.Date;
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
 * Flags that act, on a hand-made step: which answers each kind of flag covers, and that consensus
 * leaves them out and lists them per item with the flag ids.
 */
class FlagExclusionsTest {
  private final SparkSession spark = SparkTestSession.get();

  private static final Timestamp IN_BURST = Timestamp.valueOf("2024-01-01 10:00:30");
  private static final Timestamp SAME_DAY = Timestamp.valueOf("2024-01-01 10:05:00");
  private static final Timestamp LATER = Timestamp.valueOf("2024-01-03 09:00:00");

  /** id, item, worker, label, submitted_at; the comment says what should cover it. */
  private static final Object[][] ANSWERS = {
    {"a01", "i1", "w1", "a", SAME_DAY}, // pair w1|w2 (w2 answered i1 too)
    {"a02", "i1", "w2", "a", SAME_DAY}, // pair
    {"a03", "i1", "w3", "b", IN_BURST}, // w3's burst
    {"a04", "i1", "w4", "b", SAME_DAY}, // w4 too fast on 01-01, and inside w4's burst
    {"a05", "i1", "w5", "a", SAME_DAY}, // a HIGH duplicate
    {"a06", "i2", "w1", "b", SAME_DAY}, // pair
    {"a07", "i2", "w2", "b", LATER}, // pair (window up to 01-03)
    {"a08", "i2", "w3", "a", SAME_DAY}, // kept: outside w3's burst
    {"a09", "i2", "w4", "a", LATER}, // kept: after the too-fast window
    {"a10", "i2", "w5", "a", SAME_DAY}, // kept: its duplicate flag is MEDIUM
    {"a11", "i3", "w1", "a", SAME_DAY}, // kept: w2 never answered i3
    {"a12", "i3", "w3", "a", SAME_DAY}, // kept
    {"a13", "i3", "w4", "b", SAME_DAY}, // too fast and burst
  };

  private static final StructType FLAGS =
      new StructType()
          .add("flag_id", DataTypes.StringType)
          .add("entity_type", DataTypes.StringType)
          .add("entity_id", DataTypes.StringType)
          .add("project_id", DataTypes.StringType)
          .add("step", DataTypes.StringType)
          .add("code", DataTypes.StringType)
          .add("severity", DataTypes.StringType)
          .add("evidence", DataTypes.StringType)
          .add("window_start", DataTypes.DateType)
          .add("window_end", DataTypes.DateType);

  private Dataset<Row> annotations() {
    List<Row> rows = new ArrayList<>();
    for (Object[] a : ANSWERS) {
      rows.add(RowFactory.create(a[0], "p", "default", a[1], a[2], a[3], "v1", a[4]));
    }
    return spark.createDataFrame(
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
  }

  private static Row flag(
      String id,
      String type,
      String entity,
      String code,
      String severity,
      String evidence,
      String from,
      String to) {
    return RowFactory.create(
        id,
        type,
        entity,
        "p",
        "default",
        code,
        severity,
        evidence,
        Date.valueOf(from),
        Date.valueOf(to));
  }

  private Dataset<Row> flags() {
    return spark.createDataFrame(
        List.of(
            flag(
                "f-dup",
                "annotation",
                "a05",
                "DUPLICATE_SUBMISSION",
                "HIGH",
                "{}",
                "2024-01-01",
                "2024-01-03"),
            flag(
                "f-dup-medium",
                "annotation",
                "a10",
                "DUPLICATE_SUBMISSION",
                "MEDIUM",
                "{}",
                "2024-01-01",
                "2024-01-03"),
            flag("f-fast", "worker", "w4", "TOO_FAST", "HIGH", "{}", "2024-01-01", "2024-01-01"),
            flag(
                "f-burst",
                "worker",
                "w3",
                "BURST",
                "HIGH",
                "{\"submissions\":30,\"window_ms\":60000,\"window_start\":\"2024-01-01T10:00:00Z\"}",
                "2024-01-01",
                "2024-01-03"),
            flag(
                "f-burst4",
                "worker",
                "w4",
                "BURST",
                "HIGH",
                "{\"submissions\":30,\"window_ms\":60000,\"window_start\":\"2024-01-01T10:04:30Z\"}",
                "2024-01-01",
                "2024-01-03"),
            flag(
                "f-pair",
                "worker_pair",
                "w1|w2",
                "COLLUSION",
                "HIGH",
                "{\"worker_a\":\"w1\",\"worker_b\":\"w2\"}",
                "2024-01-01",
                "2024-01-03"),
            flag(
                "f-pair-medium",
                "worker_pair",
                "w3|w5",
                "COLLUSION",
                "MEDIUM",
                "{\"worker_a\":\"w3\",\"worker_b\":\"w5\"}",
                "2024-01-01",
                "2024-01-03"),
            flag(
                "f-item",
                "item",
                "i2",
                "CONTESTED_ITEM",
                "HIGH",
                "{}",
                "2024-01-01",
                "2024-01-03")),
        FLAGS);
  }

  private static List<FlagExclusions.Rule> defaults() {
    return ConsensusSettings.from(AnnolakeConfig.defaults()).excludeFlags();
  }

  @Test
  void defaultsAreHighDuplicatesCollusionTooFastAndBursts() {
    assertThat(defaults())
        .containsExactly(
            new FlagExclusions.Rule(AnomalyCode.DUPLICATE_SUBMISSION, Severity.HIGH),
            new FlagExclusions.Rule(AnomalyCode.COLLUSION, Severity.HIGH),
            new FlagExclusions.Rule(AnomalyCode.TOO_FAST, Severity.HIGH),
            new FlagExclusions.Rule(AnomalyCode.BURST, Severity.HIGH));
    assertThat(FlagExclusions.parse(List.of("timing_outlier", "BURST:medium"), "k"))
        .containsExactly(
            new FlagExclusions.Rule(AnomalyCode.TIMING_OUTLIER, Severity.LOW),
            new FlagExclusions.Rule(AnomalyCode.BURST, Severity.MEDIUM));
    assertThatThrownBy(
            () ->
                FlagExclusions.parse(List.of("CONTESTED_ITEM"), "annolake.consensus.exclude-flags"))
        .hasMessageContaining("annolake.consensus.exclude-flags")
        .hasMessageContaining("about an item");
    assertThatThrownBy(
            () -> FlagExclusions.parse(List.of("BURST:URGENT"), "annolake.consensus.exclude-flags"))
        .hasMessageContaining("'BURST:URGENT'");
  }

  @Test
  void eachFlagCoversItsAnswers() {
    Map<String, String> covered = new TreeMap<>();
    FlagExclusions.flaggedAnswers(annotations(), flags(), defaults())
        .collectAsList()
        .forEach(r -> covered.put(r.getString(1), String.join(",", r.<String>getList(2))));
    assertThat(covered)
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    "a01",
                    "f-pair",
                    "a02",
                    "f-pair",
                    "a03",
                    "f-burst",
                    "a04",
                    "f-burst4,f-fast",
                    "a05",
                    "f-dup",
                    "a06",
                    "f-pair",
                    "a07",
                    "f-pair",
                    "a13",
                    "f-burst4,f-fast")));
    assertThat(FlagExclusions.flaggedAnswers(annotations(), null, defaults())).isNull();
    assertThat(FlagExclusions.flaggedAnswers(annotations(), flags(), List.of())).isNull();
  }

  @Test
  void anotherProjectsAnswersWithTheSameIdsAreNotCovered() {
    // project q holds the same answers under the same annotation ids; every flag is p's
    Dataset<Row> both = annotations().unionByName(annotations().withColumn("project_id", lit("q")));
    List<Row> covered = FlagExclusions.flaggedAnswers(both, flags(), defaults()).collectAsList();
    assertThat(covered).extracting(r -> r.getString(0)).containsOnly("p");
    assertThat(covered).hasSize(8);
  }

  /**
   * i1: every answer flagged -> decided without answers (PENDING) and listed; i2: a06, a07 left
   * out, the three kept agree -> AUTO_APPROVED; i3: a13 left out, two kept < 3 -> PENDING.
   */
  @Test
  void consensusLeavesFlaggedAnswersOutAndListsThem() {
    ConsensusSettings settings =
        ConsensusSettings.from(
            AnnolakeConfig.load(null, Map.of("annolake.consensus.method", "mv")));
    ConsensusPolicy.Method method = MethodParams.of(settings.aggregator());
    Dataset<Row> annotations = annotations();
    ConsensusComputation.Inputs inputs =
        new ConsensusComputation.Inputs(
            annotations,
            null,
            null,
            null,
            null,
            FlagExclusions.flaggedAnswers(annotations, flags(), settings.excludeFlags()));
    try (ConsensusComputation fit =
        ConsensusComputation.fit(spark, inputs, Aggregators.byName("mv"), 2)) {
      Map<String, Row> byItem = new TreeMap<>();
      fit.labels(settings, method, null)
          .collectAsList()
          .forEach(r -> byItem.put(r.getAs("item_id"), r));
      assertThat(byItem.get("i1").<String>getAs("decision")).isEqualTo("PENDING");
      assertThat(byItem.get("i1").<Integer>getAs("n_annotations")).isZero();
      assertThat(flagged(byItem.get("i1")))
          .isEqualTo("a01:f-pair a02:f-pair a03:f-burst a04:f-burst4,f-fast a05:f-dup");
      assertThat(byItem.get("i2").<String>getAs("decision")).isEqualTo("AUTO_APPROVED");
      assertThat(byItem.get("i2").<String>getAs("label")).isEqualTo("a");
      assertThat(
              byItem
                  .get("i2")
                  .<scala.collection.Seq<String>>getAs("annotation_ids")
                  .toList()
                  .mkString(","))
          .isEqualTo("a08,a09,a10");
      assertThat(
              byItem
                  .get("i2")
                  .<scala.collection.Seq<String>>getAs("excluded_annotation_ids")
                  .toList()
                  .mkString(","))
          .isEqualTo("a06,a07");
      assertThat(flagged(byItem.get("i2"))).isEqualTo("a06:f-pair a07:f-pair");
      assertThat(byItem.get("i3").<String>getAs("decision")).isEqualTo("PENDING");
      assertThat(byItem.get("i3").<Integer>getAs("n_annotations")).isEqualTo(2);
      assertThat(flagged(byItem.get("i3"))).isEqualTo("a13:f-burst4,f-fast");
    }
  }

  private static String flagged(Row r) {
    List<String> out = new ArrayList<>();
    for (Row f : r.<Row>getList(r.fieldIndex("flagged_annotations"))) {
      out.add(f.getString(0) + ":" + String.join(",", f.<String>getList(1)));
    }
    return String.join(" ", out);
  }
}
