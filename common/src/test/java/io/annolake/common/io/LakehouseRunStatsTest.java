package io.annolake.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annolake.common.provenance.RunContext;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wide tables are created with statistics on their filter columns only (Tables.STATS_COLUMNS),
 * partitioned by project.
 */
class LakehouseRunStatsTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void createsDeclaredTablesWithStatisticsOnTheirFilterColumnsOnly(@TempDir Path root)
      throws Exception {
    Lakehouse lakehouse = new Lakehouse(spark, root.toString(), "stats_test");
    LakehouseRun run =
        new LakehouseRun(lakehouse, RunContext.create("r1", "test", null, "h", Map.of()));
    Dataset<Row> rows =
        spark.sql(
            "SELECT 'p1' AS project_id, 's' AS step, 'i1' AS item_id, 'a' AS reason, 0.5D AS priority, array('x') AS extra");
    run.overwrite(Tables.ESCALATIONS, rows, 1);
    run.overwrite("plain_table", rows, 1);

    assertThat(lakehouse.properties(Tables.ESCALATIONS))
        .containsEntry(LakehouseRun.STATS_COLUMNS_PROPERTY, "step");
    assertThat(statsColumns(lakehouse.path(Tables.ESCALATIONS)))
        .containsExactlyInAnyOrder(
            "step"); // project_id is the partition column: pruned without statistics
    // Undeclared tables keep Delta's default: every column (run_id included).
    assertThat(statsColumns(lakehouse.path("plain_table"))).contains("reason", "run_id");
  }

  @Test
  void givesAnExistingTableItsStatisticsColumnsOnItsNextWrite(@TempDir Path root) {
    Lakehouse lakehouse = new Lakehouse(spark, root.toString(), "stats_test");
    Dataset<Row> rows =
        spark.sql(
            "SELECT 'p1' AS project_id, 's' AS step, 'i1' AS item_id, 'a' AS reason, 0.5D AS priority");
    rows.write()
        .format("delta")
        .save(lakehouse.path(Tables.ESCALATIONS)); // made before the declaration existed
    assertThat(lakehouse.properties(Tables.ESCALATIONS))
        .doesNotContainKey(LakehouseRun.STATS_COLUMNS_PROPERTY);

    new LakehouseRun(lakehouse, RunContext.create("r2", "test", null, "h", Map.of()))
        .overwrite(Tables.ESCALATIONS, rows, 1);

    assertThat(lakehouse.properties(Tables.ESCALATIONS))
        .containsEntry(LakehouseRun.STATS_COLUMNS_PROPERTY, "step");
    assertThat(lakehouse.version(Tables.ESCALATIONS))
        .isEqualTo(2); // one ALTER commit, then the write
    assertThat(lakehouse.partitionColumns(Tables.ESCALATIONS))
        .containsExactly("project_id"); // laid out anew
  }

  @Test
  void updatesAnOlderDeclarationOnTheNextWrite(@TempDir Path root) {
    Lakehouse lakehouse = new Lakehouse(spark, root.toString(), "stats_test");
    Dataset<Row> rows =
        spark.sql(
            "SELECT 'p1' AS project_id, 's' AS step, 'i1' AS item_id, 'a' AS reason, 0.5D AS priority");
    rows.write()
        .format("delta")
        .option(LakehouseRun.STATS_COLUMNS_PROPERTY, "project_id,step,item_id")
        .save(lakehouse.path(Tables.ESCALATIONS));

    new LakehouseRun(lakehouse, RunContext.create("r3", "test", null, "h", Map.of()))
        .overwrite(Tables.ESCALATIONS, rows, 1);

    assertThat(lakehouse.properties(Tables.ESCALATIONS))
        .containsEntry(LakehouseRun.STATS_COLUMNS_PROPERTY, "step");
  }

  /** Columns with a min value in the stats of the table's data files. */
  private List<String> statsColumns(String path) throws Exception {
    List<String> out = new ArrayList<>();
    for (Row r :
        spark
            .read()
            .json(path + "/_delta_log/00000000000000000000.json")
            .where("add IS NOT NULL")
            .select("add.stats")
            .collectAsList()) {
      JsonNode min = new ObjectMapper().readTree(r.getString(0)).path("minValues");
      min.fieldNames()
          .forEachRemaining(
              f -> {
                if (!out.contains(f)) {
                  out.add(f);
                }
              });
    }
    return out;
  }
}
