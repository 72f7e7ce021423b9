package io.annolake.common.aggregation.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.spark.ScalaSeqs;
import io.annolake.common.testing.Alternation;
import io.annolake.common.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What making output rows as Spark's internal rows ({@code internalCreateDataFrame}, as consensus
 * labels, worker skills and item agreement are made on the executors) saves against public {@code
 * Row}s ({@code createDataFrame(JavaRDD<Row>, schema)}, converted to Catalyst's form row by row),
 * for 2M rows of a consensus label's shape written to Spark's no-op sink. A measuring tool for
 * docs/ARCHITECTURE.md's internals table, not a check of time: {@code mvn -Ptrials test -pl common
 * -Dtest=RowWriteTrial} ({@code -Dannolake.trial.rows=N}).
 */
@Tag("trial")
class RowWriteTrial {
  private static final int ROUNDS = 4;
  private static final StructType SCHEMA =
      new StructType()
          .add("project_id", DataTypes.StringType)
          .add("step", DataTypes.StringType)
          .add("item_id", DataTypes.StringType)
          .add("label", DataTypes.StringType)
          .add("confidence", DataTypes.DoubleType)
          .add("n_annotations", DataTypes.IntegerType)
          .add("annotation_ids", DataTypes.createArrayType(DataTypes.StringType));

  @Test
  void internalRowsAgainstRows() {
    SparkSession spark = SparkTestSession.get();
    int rows = Integer.getInteger("annolake.trial.rows", 2_000_000);
    JavaRDD<Integer> parts =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(List.of(0, 1, 2, 3, 4, 5, 6, 7), 8);
    int perPart = rows / 8;
    assertThat(internal(spark, parts, 3).collectAsList())
        .isEqualTo(publicRows(spark, parts, 3).collectAsList());

    Alternation.time(
        "row-write",
        String.format("%,d rows", rows),
        ROUNDS,
        "internal rows",
        () -> write(internal(spark, parts, perPart)),
        "Rows",
        () -> write(publicRows(spark, parts, perPart)));
  }

  private static void write(org.apache.spark.sql.Dataset<Row> rows) {
    rows.write().format("noop").mode("overwrite").save();
  }

  private static org.apache.spark.sql.Dataset<Row> internal(
      SparkSession spark, JavaRDD<Integer> parts, int perPart) {
    JavaRDD<InternalRow> made =
        parts.flatMap(
            p -> {
              List<InternalRow> out = new ArrayList<>(perPart);
              for (int k = 0; k < perPart; k++) {
                int item = p * perPart + k;
                out.add(
                    InternalRows.of(
                        InternalRows.utf8("p1"),
                        InternalRows.utf8("s1"),
                        InternalRows.utf8("item-" + item),
                        InternalRows.utf8("label-" + item % 5),
                        0.9,
                        3,
                        InternalRows.strings(new String[] {"a" + item, "b" + item, "c" + item})));
              }
              return out.iterator();
            });
    return spark.internalCreateDataFrame(made.rdd(), SCHEMA, false);
  }

  private static org.apache.spark.sql.Dataset<Row> publicRows(
      SparkSession spark, JavaRDD<Integer> parts, int perPart) {
    JavaRDD<Row> made =
        parts.flatMap(
            p -> {
              List<Row> out = new ArrayList<>(perPart);
              for (int k = 0; k < perPart; k++) {
                int item = p * perPart + k;
                out.add(
                    RowFactory.create(
                        "p1",
                        "s1",
                        "item-" + item,
                        "label-" + item % 5,
                        0.9,
                        3,
                        ScalaSeqs.of("a" + item, "b" + item, "c" + item)));
              }
              return out.iterator();
            });
    return spark.createDataFrame(made, SCHEMA);
  }
}
