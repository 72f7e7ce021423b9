package io.annolake.common.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The plan's Column expressions on tiny tables, applied as Delta's UPDATE / DELETE would. */
class ErasurePlanTest {
  private final SparkSession spark = SparkTestSession.get();

  private static Dataset<Row> update(Dataset<Row> rows, ErasurePlan plan) {
    List<Column> out = new ArrayList<>();
    for (String c : rows.columns()) {
      Column v =
          plan.assignments().containsKey(c)
              ? when(plan.rowsToUpdate(), plan.assignments().get(c)).otherwise(col(c))
              : col(c);
      out.add(v.as(c));
    }
    return rows.select(out.toArray(Column[]::new));
  }

  @Test
  void keepReplacesTheIdInTheirRowsOnlyAndDeleteSelectsTheirRows() {
    StructType schema =
        new StructType()
            .add("worker_id", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("raw_record", DataTypes.StringType);
    Dataset<Row> raw =
        spark.createDataFrame(
            List.of(
                RowFactory.create("w1", "w1", "{\"worker_id\":\"w1\",\"label\":\"w1\"}"),
                RowFactory.create("w10", "w1", "{\"worker_id\":\"w10\",\"label\":\"w1\"}")),
            schema);
    ErasurePlan plan = ErasurePlan.of(raw.schema(), "w1", "erased-x");
    assertThat(update(raw, plan).collectAsList())
        .extracting(r -> r.mkString("|"))
        .containsExactlyInAnyOrder(
            "w10|w1|{\"worker_id\":\"w10\",\"label\":\"w1\"}",
            "erased-x|w1|{\"worker_id\":\"erased-x\",\"label\":\"erased-x\"}");
    assertThat(raw.where(plan.rowsToDelete().orElseThrow()).count()).isEqualTo(1);
  }

  @Test
  void flagsAboutThePersonAndRawTextWithoutIdColumns() {
    StructType flags =
        new StructType()
            .add("entity_type", DataTypes.StringType)
            .add("entity_id", DataTypes.StringType)
            .add("evidence", DataTypes.StringType);
    Dataset<Row> f =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "worker_pair", "w1|w2", "{\"worker_a\":\"w1\",\"worker_b\":\"w2\"}"),
                RowFactory.create("item", "w1", "{}"),
                RowFactory.create("worker", "w2", "{}")),
            flags);
    ErasurePlan plan = ErasurePlan.of(f.schema(), "w1", "erased-x");
    List<Row> after = update(f, plan).orderBy("entity_type").collectAsList();
    assertThat(after.get(0).getString(1)).isEqualTo("w1");
    assertThat(after.get(2).mkString("|"))
        .isEqualTo("worker_pair|erased-x|w2|{\"worker_a\":\"erased-x\",\"worker_b\":\"w2\"}");
    assertThat(f.where(plan.rowsToDelete().orElseThrow()).count()).isEqualTo(1);

    StructType rejects =
        new StructType()
            .add("raw_record", DataTypes.StringType)
            .add("reason_code", DataTypes.StringType);
    Dataset<Row> r =
        spark.createDataFrame(
            List.of(
                RowFactory.create("i9,w1,cat", "MALFORMED"),
                RowFactory.create("i9,w12,cat", "MALFORMED")),
            rejects);
    ErasurePlan rp = ErasurePlan.of(r.schema(), "w1", "erased-x");
    assertThat(update(r, rp).orderBy("raw_record").collectAsList())
        .extracting(x -> x.getString(0))
        .containsExactly("i9,erased-x,cat", "i9,w12,cat");
    assertThat(
            ErasurePlan.of(new StructType().add("label", DataTypes.StringType), "w1", "x")
                .touches())
        .isFalse();
  }

  @Test
  void answersInsideAnArrayAreReplacedOrDroppedAndTheRowStays() {
    StructType answer =
        new StructType()
            .add("annotation_id", DataTypes.StringType)
            .add("worker_id", DataTypes.StringType);
    StructType escalations =
        new StructType()
            .add("item_id", DataTypes.StringType)
            .add("annotations", DataTypes.createArrayType(answer));
    Dataset<Row> e =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "i1",
                    List.of(RowFactory.create("a1", "w1"), RowFactory.create("a2", "w10"))
                        .toArray()),
                RowFactory.create("i2", List.of(RowFactory.create("a3", "w2")).toArray())),
            escalations);
    ErasurePlan plan = ErasurePlan.of(e.schema(), "w1", "erased-x");
    assertThat(plan.touches()).isTrue();
    assertThat(plan.rowsToDelete()).isEmpty();
    assertThat(update(e, plan).orderBy("item_id").collectAsList())
        .extracting(r -> r.mkString("|"))
        .containsExactly("i1|WrappedArray([a1,erased-x], [a2,w10])", "i2|WrappedArray([a3,w2])");
    Column dropFrom = plan.rowsToDropFrom().orElseThrow();
    Dataset<Row> dropped =
        e.select(
            col("item_id"),
            when(dropFrom, plan.dropsFromArrays().get("annotations"))
                .otherwise(col("annotations"))
                .as("annotations"));
    assertThat(dropped.orderBy("item_id").collectAsList())
        .extracting(r -> r.mkString("|"))
        .containsExactly("i1|WrappedArray([a2,w10])", "i2|WrappedArray([a3,w2])");
  }

  @Test
  void aMalformedRawRecordWithoutParsedIdsLosesTheIdToo() {
    StructType schema =
        new StructType()
            .add("worker_id", DataTypes.StringType)
            .add("raw_record", DataTypes.StringType);
    Dataset<Row> raw =
        spark.createDataFrame(
            List.of(
                RowFactory.create(null, "{\"worker_id\":\"w1\",\"lab"),
                RowFactory.create(null, "{\"worker_id\":\"w12\",\"lab"),
                RowFactory.create("w2", "{\"worker_id\":\"w2\",\"label\":\"w1\"}")),
            schema);
    ErasurePlan plan = ErasurePlan.of(raw.schema(), "w1", "erased-x");
    assertThat(update(raw, plan).collectAsList())
        .extracting(r -> r.getString(1))
        .containsExactlyInAnyOrder(
            "{\"worker_id\":\"erased-x\",\"lab",
            "{\"worker_id\":\"w12\",\"lab",
            "{\"worker_id\":\"w2\",\"label\":\"w1\"}");
    assertThat(raw.where(plan.rowsToDelete().orElseThrow()).count()).isEqualTo(1);
  }

  @Test
  void annotatorQuestionsAndEdgeCasesLoseTheIdInIdsAndTheirOwnText() {
    StructType questions =
        new StructType()
            .add("item_id", DataTypes.StringType)
            .add("worker_id", DataTypes.StringType)
            .add("question_text", DataTypes.StringType);
    Dataset<Row> q =
        spark.createDataFrame(
            List.of(
                RowFactory.create("i1", "w1", "w1 here: a van?"),
                RowFactory.create("i1", "w2", "same as w1 asked")),
            questions);
    ErasurePlan plan = ErasurePlan.of(q.schema(), "w1", "erased-x");
    assertThat(update(q, plan).orderBy("question_text").collectAsList())
        .extracting(r -> r.mkString("|"))
        .containsExactly("i1|erased-x|erased-x here: a van?", "i1|w2|same as w1 asked");
    assertThat(q.where(plan.rowsToDelete().orElseThrow()).count()).isEqualTo(1);

    // edge_cases: the questions array holds the asker's id and text; expert_id is a column
    StructType question =
        new StructType()
            .add("worker_id", DataTypes.StringType)
            .add("question_text", DataTypes.StringType);
    StructType cases =
        new StructType()
            .add("item_id", DataTypes.StringType)
            .add("questions", DataTypes.createArrayType(question))
            .add("expert_id", DataTypes.StringType);
    Dataset<Row> e =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "i1",
                    List.of(
                            RowFactory.create("w1", "w1 here: a van?"),
                            RowFactory.create("w2", "same as w1 asked"))
                        .toArray(),
                    "e1")),
            cases);
    ErasurePlan edge = ErasurePlan.of(e.schema(), "w1", "erased-x");
    assertThat(update(e, edge).collectAsList())
        .extracting(r -> r.mkString("|"))
        .containsExactly(
            "i1|WrappedArray([erased-x,erased-x here: a van?], [w2,same as w1 asked])|e1");
    assertThat(e.where(edge.rowsToDelete().orElseThrow()).count())
        .as("the case is not theirs: only their question in it")
        .isZero();
    assertThat(e.select(edge.dropsFromArrays().get("questions").as("q")).head().<Row>getList(0))
        .extracting(r -> r.getString(0))
        .containsExactly("w2");
  }
}
