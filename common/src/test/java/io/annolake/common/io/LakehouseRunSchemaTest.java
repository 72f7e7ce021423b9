package io.annolake.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.provenance.RunContext;
import io.annolake.common.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends to a table an older annolake wrote add this version's new columns instead of failing. */
class LakehouseRunSchemaTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void appendsGiveAnOlderTableTheNewColumnsWithNullsInItsOlderRows(@TempDir Path root) {
    Lakehouse lakehouse = new Lakehouse(spark, root.toString(), "schema_test");
    spark
        .sql("SELECT 'p1' AS project_id, 'a1' AS annotation_id, 'b0' AS batch_id")
        .write()
        .format("delta")
        .save(lakehouse.path("bronze"));
    LakehouseRun run =
        new LakehouseRun(lakehouse, RunContext.create("r1", "test", null, "h", Map.of()));

    run.appendOnce(
        "bronze",
        spark.sql("SELECT 'p1' AS project_id, 'a2' AS annotation_id, 'f2' AS fingerprint"),
        "b1",
        1);
    run.append(
        "bronze",
        spark.sql(
            "SELECT 'p1' AS project_id, 'a3' AS annotation_id, 'f3' AS fingerprint, 'b2' AS batch_id"),
        1);

    Dataset<Row> table = lakehouse.read("bronze");
    assertThat(table.columns()).contains("fingerprint");
    assertThat(
            table
                .where("fingerprint IS NULL")
                .select("annotation_id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("a1");
    assertThat(table.count()).isEqualTo(3);
  }
}
