package io.annolake.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run per job and scope at a time; every-project runs exclude project runs; dead holders are
 * taken over.
 */
class RunLockTest {
  private static final Configuration HADOOP = new Configuration();
  private static final Duration NO_WAIT = Duration.ZERO;
  private static final Duration STALE = Duration.ofMinutes(5);

  private static RunLock take(Path root, String job, String scope, String run) {
    return RunLock.acquire(root.toUri().toString(), HADOOP, job, scope, run, NO_WAIT, STALE);
  }

  @Test
  void sameJobAndProjectIsExclusiveOtherProjectsAndJobsAreNot(@TempDir Path root) {
    try (RunLock a = take(root, "consensus", "o'brien", "r1");
        RunLock b = take(root, "consensus", "obrien", "r2");
        RunLock c = take(root, "agreement", "o'brien", "r3")) {
      assertThatThrownBy(() -> take(root, "consensus", "o'brien", "r4"))
          .isInstanceOf(RunLock.HeldException.class)
          .hasMessageContaining("project 'o'brien'")
          .hasMessageContaining("r1");
    }
    take(root, "consensus", "o'brien", "r5").close(); // released: free again
  }

  @Test
  void anEveryProjectRunExcludesProjectRunsAndTheReverse(@TempDir Path root) {
    try (RunLock p = take(root, "consensus", "p1", "r1")) {
      assertThatThrownBy(() -> take(root, "consensus", RunLock.ALL, "r2"))
          .hasMessageContaining("every project");
    }
    try (RunLock all = take(root, "consensus", RunLock.ALL, "r3")) {
      assertThatThrownBy(() -> take(root, "consensus", "p2", "r4"))
          .isInstanceOf(RunLock.HeldException.class);
    }
  }

  @Test
  void aWaitingRunGetsTheLockWhenTheHolderFinishes(@TempDir Path root) throws Exception {
    RunLock first = take(root, "ingest", "kind:annotations", "r1");
    Thread release =
        new Thread(
            () -> {
              try {
                Thread.sleep(500);
              } catch (InterruptedException e) {
                return;
              }
              first.close();
            });
    release.start();
    try (RunLock second =
        RunLock.acquire(
            root.toUri().toString(),
            HADOOP,
            "ingest",
            "kind:annotations",
            "r2",
            Duration.ofSeconds(30),
            STALE)) {
      assertThat(second).isNotNull();
    }
    release.join();
  }

  @Test
  void aLockLeftByAKilledProcessIsTakenOver(@TempDir Path root) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path dir = Files.createDirectories(root.resolve("_annolake/locks/consensus"));
    String host = InetAddress.getLocalHost().getHostName();
    Files.writeString(
        dir.resolve(RunLock.fileName("p1")),
        "{\"run_id\":\"killed\",\"host\":\"" + host + "\",\"pid\":" + gone.pid() + "}");
    // its process is gone on this host: taken over at once, though the file is fresh
    take(root, "consensus", "p1", "rerun").close();

    // on another host: only once it is older than the stale bound
    Files.writeString(
        dir.resolve(RunLock.fileName("p2")),
        "{\"run_id\":\"elsewhere\",\"host\":\"other-host\",\"pid\":1}");
    assertThatThrownBy(() -> take(root, "consensus", "p2", "r")).hasMessageContaining("elsewhere");
    RunLock.acquire(
            root.toUri().toString(), HADOOP, "consensus", "p2", "r", NO_WAIT, Duration.ofMillis(1))
        .close();
  }
}
