package io.annolake.jobs.compose;

import static io.annolake.jobs.CliRun.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compose through the CLI on real Delta tables: composite_labels written with provenance, the
 * rejected item queued beside consensus' own relabel_queue rows (which it keeps), the same rows on
 * a rerun, and exit 2 for a bad pipeline or a project without one.
 */
class ComposeJobTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  private static final StructType CONSENSUS =
      new StructType()
          .add("project_id", DataTypes.StringType)
          .add("step", DataTypes.StringType)
          .add("item_id", DataTypes.StringType)
          .add("label", DataTypes.StringType)
          .add("decision", DataTypes.StringType)
          .add("confidence", DataTypes.DoubleType)
          .add("guideline_version", DataTypes.StringType)
          .add("guideline_versions", DataTypes.createArrayType(DataTypes.StringType))
          .add("annotation_ids", DataTypes.createArrayType(DataTypes.StringType))
          .add("min_annotators", DataTypes.IntegerType)
          .add("run_id", DataTypes.StringType);

  private static final StructType QUEUE =
      new StructType()
          .add("project_id", DataTypes.StringType)
          .add("step", DataTypes.StringType)
          .add("item_id", DataTypes.StringType)
          .add("old_versions", DataTypes.createArrayType(DataTypes.StringType))
          .add("new_version", DataTypes.StringType)
          .add("reason", DataTypes.StringType)
          .add("current_answers", DataTypes.IntegerType)
          .add("superseded_annotation_ids", DataTypes.createArrayType(DataTypes.StringType))
          .add("answers_needed", DataTypes.IntegerType)
          .add("priority", DataTypes.DoubleType)
          .add("run_id", DataTypes.StringType);

  private static Row c(String step, String item, String label, String decision) {
    return RowFactory.create(
        "p1",
        step,
        item,
        label,
        decision,
        1.0,
        "v1",
        new String[] {"v1"},
        new String[] {item + "-a"},
        3,
        "consensus-run");
  }

  @Test
  void composesQueuesRejectionsBesideConsensusRowsAndRerunsIdentically() throws Exception {
    String root = dir.resolve("lh").toString();
    Lakehouse lh = new Lakehouse(spark, root, "annolake");
    spark
        .createDataFrame(
            List.of(
                c("boxes", "i1", "car", "AUTO_APPROVED"),
                c("attributes", "i1", "red", "MAJORITY"),
                c("verification", "i1", "yes", "AUTO_APPROVED"),
                c("boxes", "i2", "bus", "ACCEPTED"),
                c("attributes", "i2", "blue", "ACCEPTED"),
                c("verification", "i2", "no", "AUTO_APPROVED")),
            CONSENSUS)
        .write()
        .format("delta")
        .partitionBy("project_id")
        .save(lh.path(Tables.CONSENSUS_LABELS));
    spark
        .createDataFrame(
            List.of(
                RowFactory.create(
                    "p1",
                    "boxes",
                    "i7",
                    new String[] {"v1"},
                    "v2",
                    "SUPERSEDED_ANSWERS",
                    1,
                    new String[] {"i7-a"},
                    2,
                    0.67,
                    "consensus-run")),
            QUEUE)
        .write()
        .format("delta")
        .partitionBy("project_id")
        .save(lh.path(Tables.RELABEL_QUEUE));
    Path conf = dir.resolve("pipelines.conf");
    Files.writeString(
        conf,
        "annolake.compose.pipelines.p1 {\n"
            + "  steps = [boxes, attributes, verification]\n"
            + "  verifies { verification = attributes }\n"
            + "}\n");

    CliRun run = ok("compose", "--lakehouse", root, "--conf", conf.toString());
    assertThat(run.out()).contains("compose: 1 pipelines, 2 items").contains("REJECTED=1");
    List<Row> composite = lh.read(Tables.COMPOSITE_LABELS).orderBy("item_id").collectAsList();
    assertThat(composite)
        .extracting(r -> r.<String>getAs("status"))
        .containsExactly("COMPLETE", "REJECTED");
    assertThat(composite)
        .extracting(r -> r.<String>getAs("next_step"))
        .containsExactly(null, "attributes");
    assertThat(composite.get(0).<String>getAs("run_id")).isNotNull().isNotEqualTo("consensus-run");
    assertThat(composite.get(0).<Object>getAs("as_of_date")).isNotNull();
    List<Row> queue = lh.read(Tables.RELABEL_QUEUE).orderBy("item_id").collectAsList();
    assertThat(queue)
        .extracting(
            r ->
                r.<String>getAs("item_id")
                    + "/"
                    + r.<String>getAs("step")
                    + "/"
                    + r.<String>getAs("reason"))
        .containsExactly("i2/attributes/VERIFICATION_REJECTED", "i7/boxes/SUPERSEDED_ANSWERS");
    assertThat(
            lh.read(Tables.PIPELINE_RUNS).where("job = 'compose' AND status = 'SUCCEEDED'").count())
        .isEqualTo(1);

    List<Row> before =
        lh.read(Tables.COMPOSITE_LABELS).drop("run_id").orderBy("item_id").collectAsList();
    ok("compose", "--lakehouse", root, "--conf", conf.toString(), "--project", "p1");
    assertThat(lh.read(Tables.COMPOSITE_LABELS).drop("run_id").orderBy("item_id").collectAsList())
        .isEqualTo(before);
    assertThat(lh.read(Tables.RELABEL_QUEUE).count()).isEqualTo(2);

    CliRun none =
        CliRun.of("compose", "--lakehouse", root, "--conf", conf.toString(), "--project", "p9");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("'--project'").contains("annolake.compose.pipelines");

    Files.writeString(
        conf, "annolake.compose.pipelines.p1 { steps = [a, b], verifies { a = b, b = a } }\n");
    CliRun cycle = CliRun.of("compose", "--lakehouse", root, "--conf", conf.toString());
    assertThat(cycle.code()).isEqualTo(2);
    assertThat(cycle.err())
        .contains("annolake.compose.pipelines.\"p1\".verifies")
        .contains("cycle");
  }
}
