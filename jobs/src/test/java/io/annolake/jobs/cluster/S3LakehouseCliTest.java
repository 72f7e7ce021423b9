package io.annolake.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.jobs.CliRun;
import org.junit.jupiter.api.Test;

/** A job on an S3 lakehouse without a multi-writer-safe Delta LogStore stops before any work. */
class S3LakehouseCliTest {
  @Test
  void anS3LakehouseWithoutAMultiWriterLogStoreExitsTwoNamingTheKeys() {
    CliRun run = CliRun.of("consensus", "--lakehouse", "s3a://bucket/annolake");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .contains("configuration error")
        .contains("'annolake.lakehouse.root'")
        .contains("spark.delta.logStore.s3a.impl")
        .contains("annolake.lakehouse.single-writer = true");
  }
}
