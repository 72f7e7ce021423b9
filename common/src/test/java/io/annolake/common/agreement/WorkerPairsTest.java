package io.annolake.common.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.annolake.common.agreement.UnitCoding.Coding;
import io.annolake.common.agreement.UnitCoding.Grouped;
import io.annolake.common.agreement.UnitCoding.Recoding;
import io.annolake.common.agreement.WorkerPairs.PairKeys;
import io.annolake.common.testing.SparkTestSession;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * Worker pairs counted before their cells are built: pairs at and one below the minimum overlap,
 * both key forms.
 */
class WorkerPairsTest {
  private final SparkSession spark = SparkTestSession.get();

  private static final StructType ANNOTATIONS =
      new StructType()
          .add("project_id", DataTypes.StringType)
          .add("item_id", DataTypes.StringType)
          .add("step", DataTypes.StringType)
          .add("worker_id", DataTypes.StringType)
          .add("label", DataTypes.StringType)
          .add("guideline_version", DataTypes.StringType)
          .add("submitted_at", DataTypes.TimestampType);

  private final List<Row> rows = new ArrayList<>();

  private void answer(String project, String item, String worker, String label) {
    rows.add(
        RowFactory.create(
            project, item, "s", worker, label, "v1", Timestamp.valueOf("2026-01-10 10:00:00")));
  }

  @Test
  void keepsPairsWithAtLeastTheMinimumOverlapInBothKeyForms() {
    // p1: i1 w1=a w2=a w3=a; i2 w1=a w2=b w3=a; i3 w1=b w2=b; i4 w2=a w3=a
    for (String[] a :
        new String[][] {
          {"i1", "w1", "a"},
          {"i1", "w2", "a"},
          {"i1", "w3", "a"},
          {"i2", "w1", "a"},
          {"i2", "w2", "b"},
          {"i2", "w3", "a"},
          {"i3", "w1", "b"},
          {"i3", "w2", "b"},
          {"i4", "w2", "a"},
          {"i4", "w3", "a"}
        }) {
      answer("p1", a[0], a[1], a[2]);
    }
    // p2: the same two workers on three items (another slice, another pair), one label only
    for (String item : new String[] {"j1", "j2", "j3"}) {
      answer("p2", item, "w1", "x");
      answer("p2", item, "w2", "x");
    }
    AgreementSettings settings =
        new AgreementSettings(
            List.of("project_id", "step", "guideline_version"),
            List.of(Level.NOMINAL),
            0,
            1,
            0.95,
            3);
    JavaRDD<UnitBlock> blocks =
        AgreementTransforms.unitBlocks(
                AgreementTransforms.answers(spark.createDataFrame(rows, ANNOTATIONS), settings),
                null)
            .cache();
    Grouped grouped =
        UnitCoding.grouped(blocks.map(UnitBlock::dictionary).collect(), settings, null);
    Broadcast<Recoding> recoding = AgreementTransforms.broadcast(spark, grouped.recoding());
    Broadcast<Coding> coding = AgreementTransforms.broadcast(spark, grouped.coding());
    try {
      JavaRDD<ItemAnswers> items = UnitCoding.items(blocks, recoding);

      // w1-w2 share 3 items in p1 (at the minimum) and 3 in p2; w2-w3 share 3; w1-w3 share 2 (one
      // below)
      assertThat(WorkerPairs.qualifyingPairs(items, coding, grouped.coding().codes().workers(), 3))
          .hasSize(3)
          .isSorted();
      List<String> expected =
          List.of(
              // i1 (a,a), i2 (a,b), i3 (b,b): po = 2/3, pe = (2*1 + 1*2)/9 = 4/9, kappa =
              // (2/9)/(5/9) = 0.4
              "p1 w1 w2 3 0.6667 0.4000 OK",
              // i1 (a,a), i2 (b,a), i4 (a,a): po = 2/3, pe = (2*3 + 1*0)/9 = 2/3, kappa = 0
              "p1 w2 w3 3 0.6667 0.0000 OK",
              "p2 w1 w2 3 1.0000 null UNDEFINED");
      for (PairKeys keys : PairKeys.values()) {
        List<String> pairs = new ArrayList<>();
        for (Row r :
            WorkerPairs.workerPairs(items, coding, 3, keys)
                .orderBy("project_id", "worker_a", "worker_b")
                .collectAsList()) {
          pairs.add(
              String.format(
                  "%s %s %s %d %.4f %s %s",
                  r.getAs("project_id"),
                  r.getAs("worker_a"),
                  r.getAs("worker_b"),
                  r.<Long>getAs("n_items"),
                  r.<Double>getAs("percent_agreement"),
                  r.isNullAt(r.fieldIndex("cohen_kappa"))
                      ? "null"
                      : String.format("%.4f", r.<Double>getAs("cohen_kappa")),
                  r.getAs("status")));
        }
        assertThat(pairs).as(keys.name()).containsExactlyElementsOf(expected);
      }
      Row w1w2 =
          WorkerPairs.workerPairs(items, coding, 3, PairKeys.PACKED)
              .where("project_id = 'p1' AND worker_b = 'w2'")
              .head();
      assertThat(w1w2.<Double>getAs("cohen_kappa")).isCloseTo(0.4, within(1e-12));
    } finally {
      blocks.unpersist();
      recoding.destroy();
      coding.destroy();
    }
  }

  @Test
  void countsKeysAcrossArraysAndKeepsThoseAtTheMinimum() {
    // key 7: 3 times over two arrays (kept at min 3); key 5: twice (one below); key 9: 4 times in
    // one array
    Iterator<Tuple2<Integer, long[]>> parts =
        List.of(
                new Tuple2<>(0, new long[] {7, 5, 9, 9}),
                new Tuple2<>(0, new long[] {9, 7, 5, 7, 9}))
            .iterator();
    assertThat(WorkerPairs.keysAtLeast(parts, 3)).containsExactly(7, 9);
  }
}
