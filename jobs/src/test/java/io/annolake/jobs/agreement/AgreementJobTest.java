package io.annolake.jobs.agreement;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.AnnolakeCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job end to end on a tiny lakehouse whose answers are computed by hand in the comments. */
class AgreementJobTest {
  private final SparkSession spark = SparkTestSession.get();

  private static final StructType ANNOTATIONS =
      new StructType()
          .add("annotation_id", DataTypes.StringType)
          .add("project_id", DataTypes.StringType)
          .add("item_id", DataTypes.StringType)
          .add("step", DataTypes.StringType)
          .add("worker_id", DataTypes.StringType)
          .add("worker_type", DataTypes.StringType)
          .add("label", DataTypes.StringType)
          .add("guideline_version", DataTypes.StringType)
          .add("submitted_at", DataTypes.TimestampType);

  private final List<Row> rows = new ArrayList<>();

  private void answer(String project, String item, String worker, String label, int minute) {
    rows.add(
        RowFactory.create(
            "a" + rows.size(),
            project,
            item,
            "default",
            worker,
            "crowd",
            label,
            "v1",
            Timestamp.valueOf("2026-01-10 10:" + String.format("%02d", minute) + ":00")));
  }

  @Test
  void writesSummaryItemsPairsAndWorkers(@TempDir Path dir) throws Exception {
    // p1: i1 a,a,a; i2 a,b (w1's earlier "b" is replaced by its later "a"); i3 b,b,b; i4 a alone.
    answer("p1", "i1", "w1", "a", 1);
    answer("p1", "i1", "w2", "a", 1);
    answer("p1", "i1", "w3", "a", 1);
    answer("p1", "i2", "w1", "b", 1);
    answer("p1", "i2", "w1", "a", 2);
    answer("p1", "i2", "w2", "b", 1);
    answer("p1", "i3", "w1", "b", 1);
    answer("p1", "i3", "w2", "b", 1);
    answer("p1", "i3", "w3", "b", 1);
    answer("p1", "i4", "w1", "a", 1);
    // p2: a single category
    answer("p2", "j1", "w1", "x", 1);
    answer("p2", "j1", "w2", "x", 1);
    String lakehouse = dir.resolve("lh").toString();
    spark
        .createDataFrame(rows, ANNOTATIONS)
        .write()
        .format("delta")
        .save(lakehouse + "/annotations");
    // p1's final labels: i4 is PENDING (not final, left out); p2 has none
    StructType consensusSchema =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("item_id", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("decision", DataTypes.StringType);
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("p1", "default", "i1", "a", "AUTO_APPROVED"),
                RowFactory.create("p1", "default", "i2", "a", "ACCEPTED"),
                RowFactory.create("p1", "default", "i3", "b", "GOLD"),
                RowFactory.create("p1", "default", "i4", "a", "PENDING")),
            consensusSchema)
        .write()
        .format("delta")
        .save(lakehouse + "/consensus_labels");
    Path conf = dir.resolve("agreement.conf");
    Files.writeString(
        conf, "annolake.agreement { min-pair-overlap = 2, bootstrap-resamples = 50 }");

    int code =
        AnnolakeCli.execute("agreement", "--lakehouse", lakehouse, "--conf", conf.toString());
    assertThat(code).isEqualTo(0);

    var summary = spark.read().format("delta").load(lakehouse + "/agreement_summary");
    // coincidences: o_aa = 3 (i1), o_bb = 3 (i3), o_ab = o_ba = 1 (i2); n_a = n_b = 4, n = 8:
    // alpha = 1 - (n - 1) * 2 / (2 * 4 * 4) = 1 - 14/32
    Row alpha =
        summary
            .where("project_id = 'p1' AND metric = 'krippendorff_alpha' AND level = 'nominal'")
            .head();
    assertThat(alpha.<Double>getAs("value")).isCloseTo(1 - 14.0 / 32, within(1e-12));
    assertThat(alpha.<Long>getAs("n_items")).isEqualTo(3L);
    assertThat(alpha.<Integer>getAs("resamples")).isEqualTo(50);
    assertThat(alpha.<String>getAs("run_id")).isNotBlank();
    Row percent = summary.where("project_id = 'p1' AND metric = 'percent_agreement'").head();
    assertThat(percent.<Double>getAs("value")).isCloseTo(2.0 / 3, within(1e-12));
    // Fleiss on the modal m = 3: i1 and i3, both unanimous with p_a = p_b = 1/2
    Row fleiss = summary.where("project_id = 'p1' AND metric = 'fleiss_kappa'").head();
    assertThat(fleiss.<Double>getAs("value")).isCloseTo(1.0, within(1e-12));
    assertThat(fleiss.<String>getAs("note")).contains("m=3").contains("2 of 3");
    // labels a, b are not numbers: the interval row is there, with its reason
    Row interval = summary.where("project_id = 'p1' AND level = 'interval'").head();
    assertThat(interval.<String>getAs("status")).isEqualTo("INVALID_INPUT");
    // one category: a row with status UNDEFINED, not a missing row
    Row single =
        summary
            .where("project_id = 'p2' AND metric = 'krippendorff_alpha' AND level = 'nominal'")
            .head();
    assertThat(single.<String>getAs("status")).isEqualTo("UNDEFINED");
    assertThat(single.isNullAt(single.fieldIndex("value"))).isTrue();

    var items = spark.read().format("delta").load(lakehouse + "/item_agreement");
    assertThat(items.count()).isEqualTo(5);
    Row i2 = items.where("item_id = 'i2'").head();
    assertThat(i2.<Integer>getAs("n_annotations")).isEqualTo(2);
    assertThat(i2.<Double>getAs("entropy_bits")).isCloseTo(1.0, within(1e-12));
    assertThat(i2.<Double>getAs("percent_agreement")).isEqualTo(0.0);

    // w1-w2 share i1 (a,a), i2 (a,b), i3 (b,b): po = 2/3, pe = 4/9, kappa = 0.4
    var pairs = spark.read().format("delta").load(lakehouse + "/worker_pair_agreement");
    Row w1w2 =
        pairs
            .where(
                col("worker_a")
                    .equalTo("w1")
                    .and(col("worker_b").equalTo("w2"))
                    .and(col("project_id").equalTo("p1")))
            .head();
    assertThat(w1w2.<Long>getAs("n_items")).isEqualTo(3L);
    assertThat(w1w2.<Double>getAs("cohen_kappa")).isCloseTo(0.4, within(1e-12));
    assertThat(pairs.where("project_id = 'p1'").count()).isEqualTo(3);

    // w1 agrees with 2 of 2 others on i1 and i3, 0 of 1 on i2: 4/5
    var workers = spark.read().format("delta").load(lakehouse + "/worker_agreement");
    Row w1 = workers.where("project_id = 'p1' AND worker_id = 'w1'").head();
    assertThat(w1.<Double>getAs("agreement_with_others")).isCloseTo(0.8, within(1e-12));
    assertThat(w1.<Long>getAs("n_items")).isEqualTo(3L);
    // against consensus: w1 a, a (its latest), b on i1-i3 = the labels; i4 is PENDING. w2: a, b, b:
    // 2 of 3
    assertThat(w1.<Long>getAs("n_consensus_items")).isEqualTo(3L);
    assertThat(w1.<Double>getAs("agreement_with_consensus")).isEqualTo(1.0);
    Row w2 = workers.where("project_id = 'p1' AND worker_id = 'w2'").head();
    assertThat(w2.<Double>getAs("agreement_with_consensus")).isCloseTo(2.0 / 3, within(1e-12));
    Row p2w1 = workers.where("project_id = 'p2' AND worker_id = 'w1'").head();
    assertThat(p2w1.<Long>getAs("n_consensus_items")).isZero();
    assertThat(p2w1.isNullAt(p2w1.fieldIndex("agreement_with_consensus"))).isTrue();

    // --project p2 replaces p2's rows only
    assertThat(
            AnnolakeCli.execute(
                "agreement",
                "--lakehouse",
                lakehouse,
                "--conf",
                conf.toString(),
                "--project",
                "p2"))
        .isEqualTo(0);
    var again = spark.read().format("delta").load(lakehouse + "/agreement_summary");
    assertThat(again.where("project_id = 'p1'").count())
        .isEqualTo(summary.where("project_id = 'p1'").count());

    // sliced by project and day instead: step is null, day is the submission date, same alpha
    Path byDay = dir.resolve("by-day.conf");
    Files.writeString(
        byDay, "annolake.agreement { slice-by = [project_id, day], bootstrap-resamples = 0 }");
    assertThat(
            AnnolakeCli.execute(
                "agreement",
                "--lakehouse",
                lakehouse,
                "--conf",
                byDay.toString(),
                "--project",
                "p1",
                "--level",
                "nominal"))
        .isEqualTo(0);
    Row daily =
        spark
            .read()
            .format("delta")
            .load(lakehouse + "/agreement_summary")
            .where("project_id = 'p1' AND metric = 'krippendorff_alpha'")
            .head();
    assertThat(daily.<java.sql.Date>getAs("day")).isEqualTo(java.sql.Date.valueOf("2026-01-10"));
    assertThat(daily.isNullAt(daily.fieldIndex("step"))).isTrue();
    assertThat(daily.isNullAt(daily.fieldIndex("ci_lower"))).isTrue();
    assertThat(daily.<Double>getAs("value")).isCloseTo(1 - 14.0 / 32, within(1e-12));
  }

  /**
   * Without consensus_labels the consensus columns are null; a worker_agreement table written
   * before they existed takes them on a --project run (the replaced part brings them in).
   */
  @Test
  void workersWithoutConsensusAndATableFromBeforeItsColumns(@TempDir Path dir) {
    answer("p1", "i1", "w1", "a", 1);
    answer("p1", "i1", "w2", "b", 1);
    String lakehouse = dir.resolve("lh").toString();
    spark
        .createDataFrame(rows, ANNOTATIONS)
        .write()
        .format("delta")
        .save(lakehouse + "/annotations");
    StructType older =
        new StructType()
            .add("project_id", DataTypes.StringType)
            .add("step", DataTypes.StringType)
            .add("guideline_version", DataTypes.StringType)
            .add("day", DataTypes.DateType)
            .add("worker_id", DataTypes.StringType)
            .add("n_items", DataTypes.LongType)
            .add("n_pairs", DataTypes.LongType)
            .add("agreement_with_others", DataTypes.DoubleType)
            .add("run_id", DataTypes.StringType);
    spark
        .createDataFrame(
            List.of(RowFactory.create("p0", "default", "v1", null, "w9", 1L, 1L, 1.0, "old")),
            older)
        .write()
        .format("delta")
        .save(lakehouse + "/worker_agreement");

    assertThat(AnnolakeCli.execute("agreement", "--lakehouse", lakehouse, "--project", "p1"))
        .isEqualTo(0);

    var workers = spark.read().format("delta").load(lakehouse + "/worker_agreement");
    assertThat(workers.columns()).contains("n_consensus_items", "agreement_with_consensus");
    Row w1 = workers.where("project_id = 'p1' AND worker_id = 'w1'").head();
    assertThat(w1.<Double>getAs("agreement_with_others")).isEqualTo(0.0);
    assertThat(w1.isNullAt(w1.fieldIndex("n_consensus_items"))).isTrue();
    assertThat(w1.isNullAt(w1.fieldIndex("agreement_with_consensus"))).isTrue();
    assertThat(workers.where("project_id = 'p0'").count())
        .as("other projects' rows kept")
        .isEqualTo(1);
  }

  @Test
  void standaloneCsvNeedsNoLakehouse(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("answers.csv");
    Files.writeString(csv, "item,worker,label\n1,a,x\n1,b,x\n2,a,y\n2,b,x\n3,a,y\n3,b,y\n");
    var out = new java.io.ByteArrayOutputStream();
    var previous = System.out;
    System.setOut(new java.io.PrintStream(out, true));
    try {
      assertThat(
              AnnolakeCli.execute("agreement", "--input-csv", csv.toString(), "--level", "nominal"))
          .isEqualTo(0);
    } finally {
      System.setOut(previous);
    }
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
    assertThat(json.get("items").asInt()).isEqualTo(3);
    assertThat(json.get("skipped_rows")).isEmpty();
    assertThat(json.get("coefficients").get(0).get("metric").asText())
        .isEqualTo("krippendorff_alpha");
    // n_x = 3, n_y = 3, o_xy + o_yx = 2, n = 6: alpha = 1 - 5 * 2 / (2 * 3 * 3)
    assertThat(json.get("coefficients").get(0).get("value").asDouble())
        .isCloseTo(1 - 10.0 / 18, within(1e-12));
  }

  @Test
  void badLevelIsAUsageError() {
    assertThat(AnnolakeCli.execute("agreement", "--input-csv", "x.csv", "--level", "cardinal"))
        .isEqualTo(2);
  }
}
