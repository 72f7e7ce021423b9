package io.annolake.common.aggregation.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.Alternation;
import io.annolake.common.testing.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reading answers as Spark's internal rows saves in the consensus index (the shape of {@link
 * SparkAggregation#indexStream}: scan, shuffle by item hash, sort, one pass per partition that
 * tells items apart and appends the workers' id bytes) against the same pass over public {@code
 * Row}s ({@code Dataset.javaRDD()}, a Row and decoded Strings per answer). A measuring tool for
 * docs/ARCHITECTURE.md's internals table, not a check of time: {@code mvn -Ptrials test -pl common
 * -Dtest=AnswerReadTrial} ({@code -Dannolake.trial.answers=N}, default 3M).
 */
@Tag("trial")
class AnswerReadTrial {
  private static final int ROUNDS = 4;

  @Test
  void internalRowsAgainstRows(@TempDir Path dir) {
    SparkSession spark = SparkTestSession.get();
    long answers = Long.getLong("annolake.trial.answers", 3_000_000L);
    String path = dir.resolve("answers").toString();
    spark
        .range(answers)
        .select(
            lit("p1").as("project_id"),
            lit("s1").as("step"),
            concat(lit("item-"), col("id").divide(3).cast("long").cast("string")).as("item_id"),
            concat(lit("worker-"), col("id").mod(2000).cast("string")).as("worker_id"),
            concat(lit("label-"), col("id").mod(5).cast("string")).as("label"))
        .write()
        .parquet(path);
    Dataset<Row> grouped =
        spark
            .read()
            .parquet(path)
            .select(
                col("project_id"),
                col("step"),
                col("item_id"),
                col("worker_id"),
                col("label"),
                xxhash64(col("project_id"), col("step"), col("item_id")).as("h"))
            .repartition(8, col("h"))
            .sortWithinPartitions("h");
    assertThat(internal(grouped)).isEqualTo(rows(grouped));

    Alternation.time(
        "answer-read",
        String.format("%,d answers", answers),
        ROUNDS,
        "internal rows",
        () -> internal(grouped),
        "Rows",
        () -> rows(grouped));
  }

  /** Items and worker-id bytes per partition, reading internal rows (no decoding). */
  private static List<Long> internal(Dataset<Row> grouped) {
    return grouped
        .queryExecution()
        .toRdd()
        .toJavaRDD()
        .mapPartitions(
            (FlatMapFunction<java.util.Iterator<InternalRow>, Long>)
                it -> {
                  long items = 0;
                  long bytes = 0;
                  UTF8String current = null;
                  while (it.hasNext()) {
                    InternalRow r = it.next();
                    UTF8String item = r.getUTF8String(2);
                    if (!item.equals(current)) {
                      items++;
                      current = item.clone();
                    }
                    bytes += r.getUTF8String(3).numBytes() + r.getUTF8String(4).numBytes();
                  }
                  return List.of(items * 1_000_000_000L + bytes).iterator();
                })
        .collect()
        .stream()
        .sorted()
        .toList();
  }

  /** The same through public Rows: a Row and decoded Strings per answer. */
  private static List<Long> rows(Dataset<Row> grouped) {
    return grouped
        .javaRDD()
        .mapPartitions(
            (FlatMapFunction<java.util.Iterator<Row>, Long>)
                it -> {
                  long items = 0;
                  long bytes = 0;
                  String current = null;
                  while (it.hasNext()) {
                    Row r = it.next();
                    String item = r.getString(2);
                    if (!item.equals(current)) {
                      items++;
                      current = item;
                    }
                    bytes +=
                        r.getString(3).getBytes(StandardCharsets.UTF_8).length
                            + r.getString(4).getBytes(StandardCharsets.UTF_8).length;
                  }
                  return List.of(items * 1_000_000_000L + bytes).iterator();
                })
        .collect()
        .stream()
        .sorted()
        .toList();
  }
}
