package io.annolake.common.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.SparkTestSession;
import java.nio.file.Path;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakehouseTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aTableAnotherProcessCreatedAfterThisOneLookedExists(@TempDir Path dir) throws Exception {
    Lakehouse elsewhere = new Lakehouse(spark, dir.resolve("elsewhere").toString(), "t");
    spark.sql("SELECT 'p1' AS project_id").write().format("delta").save(elsewhere.path("labels"));
    Lakehouse lakehouse = new Lakehouse(spark, dir.resolve("lakehouse").toString(), "t");
    assertThat(lakehouse.version("labels")).isEqualTo(Lakehouse.ABSENT);
    assertThat(lakehouse.exists("labels")).isFalse();

    // files copied in, as another process's commit would make them: this JVM's log cache is stale
    FileUtils.copyDirectory(
        dir.resolve("elsewhere/labels").toFile(), dir.resolve("lakehouse/labels").toFile());

    assertThat(lakehouse.exists("labels")).isTrue();
    assertThat(lakehouse.version("labels")).isZero();
  }
}
