package io.annolake.common.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import io.annolake.common.testing.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerPseudonymsTest {
  static final String KEY = "annolake-tests-only-pseudonym-key";
  static final WorkerPseudonyms P = WorkerPseudonyms.withKey(KEY.getBytes(StandardCharsets.UTF_8));

  @Test
  void pseudonymIsTheKeyedHmacSha256OfTheId() {
    // python3: hmac.new(KEY, b"w-007", hashlib.sha256).hexdigest()[:24]
    assertThat(P.pseudonym("w-007")).isEqualTo("wp_b9fffb02320d7957aaf1797c");
    assertThat(P.pseudonym("w-007")).isEqualTo(P.pseudonym("w-007"));
    assertThat(
            WorkerPseudonyms.withKey(
                    "another-key-of-enough-length".getBytes(StandardCharsets.UTF_8))
                .pseudonym("w-007"))
        .isNotEqualTo(P.pseudonym("w-007"));
    assertThat(P.pseudonym((String) null)).isNull();
  }

  @Test
  void theKeyComesFromTheEnvironmentOrAKeyFileAndItsAbsenceNamesTheVariable(@TempDir Path dir)
      throws Exception {
    assertThat(
            WorkerPseudonyms.fromEnvironment(Map.of(WorkerPseudonyms.KEY_ENV, KEY))
                .pseudonym("w-007"))
        .isEqualTo(P.pseudonym("w-007"));
    Path file = dir.resolve("key");
    Files.writeString(file, KEY + "\n");
    assertThat(
            WorkerPseudonyms.fromEnvironment(Map.of(WorkerPseudonyms.KEY_FILE_ENV, file.toString()))
                .pseudonym("w-007"))
        .isEqualTo(P.pseudonym("w-007"));
    assertThatThrownBy(() -> WorkerPseudonyms.fromEnvironment(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ANNOLAKE_PSEUDONYM_KEY");
    assertThatThrownBy(
            () -> WorkerPseudonyms.fromEnvironment(Map.of(WorkerPseudonyms.KEY_ENV, "short")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ANNOLAKE_PSEUDONYM_KEY");
    AnnolakeConfig raw = AnnolakeConfig.load(null, Map.of(WorkerPseudonyms.WORKER_IDS_KEY, "raw"));
    assertThat(WorkerPseudonyms.atBoundary(raw, Map.of())).isNull();
    assertThatThrownBy(
            () -> WorkerPseudonyms.atBoundary(AnnolakeConfig.load(null, Map.of()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ANNOLAKE_PSEUDONYM_KEY");
  }

  @Test
  void textKeepsOtherIdsThatMerelyContainTheId() {
    assertThat(P.pseudonymizeText("{\"worker_id\":\"w1\",\"note\":\"w10 and w1\"}", List.of("w1")))
        .isEqualTo(
            "{\"worker_id\":\""
                + P.pseudonym("w1")
                + "\",\"note\":\"w10 and "
                + P.pseudonym("w1")
                + "\"}");
  }

  @Test
  void rawTextOfARecordThatNeverParsedIsWithheld() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> rows =
        spark.sql(
            "SELECT 'w-007' AS worker_id, '{\"worker\":\"w-007\"}' AS raw_record"
                + " UNION ALL SELECT CAST(NULL AS STRING), '{\"worker\":\"w-007\", broken'");
    Dataset<Row> out = P.apply(rows);
    assertThat(out.where("worker_id IS NOT NULL").head().getString(1))
        .contains(P.pseudonym("w-007"))
        .doesNotContain("\"w-007\"");
    assertThat(out.where("worker_id IS NULL").head().isNullAt(1)).isTrue();
  }

  @Test
  void applyReplacesIdsInsideArraysOfStructs() {
    SparkSession spark = SparkTestSession.get();
    // escalations.annotations: (annotation_id, worker_id, label) per answer
    Dataset<Row> rows =
        spark.sql(
            "SELECT 'i1' AS item_id, array(named_struct('annotation_id', 'a1', 'worker_id', 'w-007', 'label', 'cat'),"
                + " named_struct('annotation_id', 'a2', 'worker_id', 'w-008', 'label', 'dog')) AS annotations");
    Row out = P.apply(rows).head();
    List<Row> answers = out.getList(1);
    assertThat(answers)
        .extracting(r -> r.getString(1))
        .containsExactly(P.pseudonym("w-007"), P.pseudonym("w-008"));
    assertThat(answers)
        .extracting(r -> r.getString(0) + ":" + r.getString(2))
        .containsExactly("a1:cat", "a2:dog");
    assertThat(P.apply(rows).schema().simpleString())
        .isEqualTo(rows.schema().simpleString()); // names and types kept
  }

  @Test
  void applyReplacesIdentityColumnsFlagEntitiesAndTheirQuotesInText() {
    SparkSession spark = SparkTestSession.get();
    StructType schema =
        new StructType()
            .add("entity_type", DataTypes.StringType)
            .add("entity_id", DataTypes.StringType)
            .add("evidence", DataTypes.StringType)
            .add("score", DataTypes.DoubleType);
    Dataset<Row> flags =
        spark.createDataFrame(
            List.of(
                RowFactory.create("worker", "w1", "{\"median\":3}", 1.0),
                RowFactory.create(
                    "worker_pair", "w1|w2", "{\"worker_a\":\"w1\",\"worker_b\":\"w2\"}", 2.0),
                RowFactory.create("item", "i1", "{}", 3.0)),
            schema);
    List<Row> out = P.apply(flags).orderBy("score").collectAsList();
    assertThat(out.get(0).getString(1)).isEqualTo(P.pseudonym("w1"));
    assertThat(out.get(1).getString(1)).isEqualTo(P.pseudonym("w1") + "|" + P.pseudonym("w2"));
    assertThat(out.get(1).getString(2))
        .doesNotContain("\"w1\"", "\"w2\"")
        .contains(P.pseudonym("w2"));
    assertThat(out.get(2).getString(1)).isEqualTo("i1");
    assertThat(P.apply(flags).schema()).isEqualTo(flags.schema());
  }

  @Test
  void applyReachesAnnotatorQuestionsAndTheQuestionsOfEdgeCases() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> questions =
        spark.sql(
            "SELECT 'i1' AS item_id, 'w-007' AS worker_id, 'w-007 here: van or car?' AS question_text");
    Row q = P.apply(questions).head();
    assertThat(q.getString(1)).isEqualTo(P.pseudonym("w-007"));
    assertThat(q.getString(2)).isEqualTo(P.pseudonym("w-007") + " here: van or car?");

    Dataset<Row> cases =
        spark.sql(
            "SELECT 'i1' AS item_id, array(named_struct('worker_id', 'w-007', 'question_text',"
                + " 'w-007 again', 'guideline_version', 'v1')) AS questions, 'e-1' AS expert_id");
    Row c = P.apply(cases).head();
    Row first = c.<Row>getList(1).get(0);
    assertThat(first.getString(0)).isEqualTo(P.pseudonym("w-007"));
    assertThat(first.getString(1)).isEqualTo(P.pseudonym("w-007") + " again");
    assertThat(first.getString(2)).isEqualTo("v1");
    assertThat(c.getString(2)).isEqualTo(P.pseudonym("e-1"));
    assertThat(P.apply(cases).schema().simpleString()).isEqualTo(cases.schema().simpleString());
  }
}
