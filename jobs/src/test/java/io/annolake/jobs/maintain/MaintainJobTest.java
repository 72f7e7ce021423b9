package io.annolake.jobs.maintain;

import static io.annolake.jobs.CliRun.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.io.TableMaintenance;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintainJobTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  @Test
  void setsTheConfiguredRetentionOnEveryTableThenOptimizesAndVacuums() throws Exception {
    String root = dir.resolve("lh").toString();
    for (int i = 0; i < 3; i++) {
      spark
          .range(0, 10)
          .repartition(2)
          .write()
          .format("delta")
          .mode("append")
          .save(root + "/numbers");
    }
    spark.range(0, 5).write().format("delta").save(root + "/letters");
    Lakehouse lakehouse = new Lakehouse(spark, root, "annolake");
    // the session's defaults (from reference.conf) gave new tables the default retention
    assertThat(lakehouse.properties("numbers"))
        .containsEntry(TableMaintenance.LOG_RETENTION, "interval 2592000 seconds")
        .containsEntry(TableMaintenance.DELETED_FILE_RETENTION, "interval 604800 seconds");

    Path conf = dir.resolve("retention.conf");
    Files.writeString(conf, "annolake.retention { log = 60d, deleted-files = 14d }");
    CliRun run = ok("maintain", "--lakehouse", root, "--conf", conf.toString());
    assertThat(run.out())
        .contains("retention set on [letters, numbers, pipeline_runs]")
        .contains("numbers=6");
    for (String table : new String[] {"numbers", "letters"}) {
      assertThat(lakehouse.properties(table))
          .containsEntry(TableMaintenance.LOG_RETENTION, "interval 5184000 seconds")
          .containsEntry(TableMaintenance.DELETED_FILE_RETENTION, "interval 1209600 seconds");
    }
    assertThat(spark.read().format("delta").load(root + "/numbers").count()).isEqualTo(30);
    assertThat(spark.read().format("delta").load(root + "/numbers").inputFiles()).hasSize(1);

    CliRun bad = CliRun.of("maintain", "--lakehouse", root, "--table", "nope");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--table");
  }
}
