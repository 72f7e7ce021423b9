package io.annolake.jobs.erase;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.RunLock;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * erase waits for every writing job's runs, for one project too, and gives up after the configured
 * wait (an erasure that runs to its end: EraseJobTest, a trial).
 */
class EraseLockTest {
  @TempDir Path dir;

  @Test
  void aRunningConsensusForOneProjectKeepsEraseFromStarting() throws Exception {
    String root = dir.resolve("lh").toString();
    Files.createDirectories(dir.resolve("lh"));
    Path conf = Files.writeString(dir.resolve("wait.conf"), "annolake.concurrency.lock-wait = 1s");
    try (RunLock consensus =
        RunLock.acquire(
            root,
            SparkTestSession.get().sparkContext().hadoopConfiguration(),
            "consensus",
            "p1",
            "consensus-run",
            Duration.ofSeconds(1),
            Duration.ofMinutes(5))) {
      CliRun run =
          CliRun.of("erase", "--lakehouse", root, "--worker", "w1", "--conf", conf.toString());
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.err()).contains("waits for every project").contains("consensus-run");
    }
  }
}
