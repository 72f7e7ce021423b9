package io.annolake.common.quality;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.SparkTestSession;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Guideline-version matching and adjudications as gold, on tiny in-memory tables. */
class GoldAnswersTest {
  private final SparkSession spark = SparkTestSession.get();

  private static Timestamp t(int hour) {
    return Timestamp.valueOf("2026-01-05 " + String.format("%02d", hour) + ":00:00");
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
            .add("submitted_at", DataTypes.TimestampType);
    return spark.createDataFrame(
        List.of(
            RowFactory.create(
                "a1", "p", "s", "g", "w1", "cat", "v1", t(1)), // v1 gold is cat: right
            RowFactory.create(
                "a2", "p", "s", "g", "w2", "cat", "v2", t(2)), // v2 gold is dog: wrong
            RowFactory.create(
                "a3", "p", "s", "g", "w3", "dog", "v3", t(3)), // no gold for v3: not gold
            RowFactory.create(
                "a4", "p", "s", "x", "w1", "fox", "v1", t(4)), // before adjudication: right
            RowFactory.create(
                "a5", "p", "s", "x", "w2", "fox", "v1", t(9)), // after adjudication: not gold
            RowFactory.create(
                "a6", "p", "s", "x", "e1", "fox", "v1", t(5))), // the adjudicator: not gold
        schema);
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
        List.of(
            RowFactory.create("p", "s", "g", "cat", "v1"),
            RowFactory.create("p", "s", "g", "dog", "v2")),
        schema);
  }

  private Dataset<Row> adjudications() {
    StructType schema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("expert_id", DataTypes.StringType)
            .add("decided_at", DataTypes.TimestampType);
    return spark.createDataFrame(
        List.of(RowFactory.create("p", "s", "x", "fox", "e1", t(6))), schema);
  }

  private List<String> judged(Dataset<Row> answers) {
    return answers
        .orderBy("annotation_id")
        .select("annotation_id", "correct", "gold_source")
        .collectAsList()
        .stream()
        .map(r -> r.getString(0) + ":" + r.getBoolean(1) + ":" + r.getString(2))
        .toList();
  }

  @Test
  void eachAnswerIsJudgedByTheGoldLabelOfItsGuidelineVersion() {
    assertThat(judged(GoldAnswers.of(annotations(), gold(), null)))
        .containsExactly("a1:true:gold", "a2:false:gold");
  }

  @Test
  void adjudicationsCountForAnswersBeforeThem() {
    assertThat(judged(GoldAnswers.of(annotations(), gold(), adjudications())))
        .containsExactly("a1:true:gold", "a2:false:gold", "a4:true:adjudication");
  }

  @Test
  void spansReplayOnTheExecutors() {
    QualitySettings s =
        new QualitySettings(0.9, java.util.Map.of(), 0.95, 1, 5, 7, 2, false, 0.05, 5, 0.5);
    Dataset<Row> spans = StatusTimeline.spans(GoldAnswers.of(annotations(), gold(), null), null, s);
    // w1: 1/1 right -> ACTIVE; w2: 0/1 (ci_high 0.79 < 0.9) -> PAUSED
    assertThat(
            spans
                .where(col("is_current"))
                .orderBy("worker_id")
                .select("status")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("ACTIVE", "PAUSED");
    assertThat(StatusTimeline.events(spans).count()).isEqualTo(2);
    // status as of each annotation: w2 is PAUSED from its gold answer at 02:00 on; w3 has no gold
    Dataset<Row> at = StatusTimeline.statusAt(annotations(), StatusTimeline.intervals(spans));
    assertThat(at.count()).isEqualTo(6);
    assertThat(
            at.orderBy("annotation_id")
                .select("worker_status")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly(
            "ACTIVE",
            "PAUSED",
            "INSUFFICIENT_EVIDENCE",
            "ACTIVE",
            "PAUSED",
            "INSUFFICIENT_EVIDENCE");
  }
}
