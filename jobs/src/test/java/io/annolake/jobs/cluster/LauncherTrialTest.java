package io.annolake.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/annolake in a copy of the checkout whose `mvn` only records that it ran: a built jar is run
 * as it is (a one-line warning when sources are newer, no build), a missing one is built once by
 * tasks that start together (flock); the class-data archive is used only when built whole for the
 * jar.
 */
@Tag("trial")
class LauncherTrialTest {
  @TempDir Path checkout;
  private Path calls;

  @BeforeAll
  static void built() throws Exception {
    LoopbackCluster.ensureBuilt();
  }

  /**
   * A checkout: the launcher, conf, one source file, and `mvn` on PATH that links the real build.
   */
  private void layOut(boolean withBuild) throws Exception {
    Files.createDirectories(checkout.resolve("bin"));
    Files.copy(LoopbackCluster.PROJECT.resolve("bin/annolake"), checkout.resolve("bin/annolake"));
    Files.createDirectories(checkout.resolve("conf"));
    Files.copy(
        LoopbackCluster.PROJECT.resolve("conf/log4j2.properties"),
        checkout.resolve("conf/log4j2.properties"));
    Path source = checkout.resolve("jobs/src/main/java/Some.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, "class Some {}");
    Files.setLastModifiedTime(source, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    Files.createDirectories(checkout.resolve("jobs/target"));
    calls = checkout.resolve("mvn-calls");
    Path fakeBin = checkout.resolve("fake-bin");
    Files.createDirectories(fakeBin);
    Path mvn = fakeBin.resolve("mvn");
    Files.writeString(
        mvn,
        String.join(
            "\n",
            "#!/usr/bin/env bash",
            "echo \"$*\" >> " + calls,
            "sleep 2",
            "ln -sfn " + LoopbackCluster.LIB + " jobs/target/lib",
            "ln -sf "
                + LoopbackCluster.TARGET.resolve("annolake-jobs.jar")
                + " jobs/target/annolake-jobs.jar",
            ""));
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    if (withBuild) {
      new ProcessBuilder(mvn.toString()).directory(checkout.toFile()).start().waitFor();
      Files.delete(calls);
    }
  }

  private Process launch(String... args) throws IOException {
    return launch(Map.of(), args);
  }

  private Process launch(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(checkout.resolve("bin/annolake").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(checkout.toFile());
    builder.environment().put("PATH", checkout.resolve("fake-bin") + ":" + System.getenv("PATH"));
    builder.environment().put("ANNOLAKE_DRIVER_MEMORY", "256m");
    builder.environment().putAll(env);
    return builder.start();
  }

  private static String err(Process p) throws Exception {
    String text = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return text;
  }

  private List<String> mvnCalls() throws IOException {
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  @Test
  void aBuiltJarRunsAsItIsAndNewerSourcesOnlyWarn() throws Exception {
    layOut(true);
    Process fresh = launch("--version");
    assertThat(err(fresh)).doesNotContain("annolake:");
    assertThat(fresh.exitValue()).isZero();

    Files.setLastModifiedTime(
        checkout.resolve("jobs/src/main/java/Some.java"),
        FileTime.from(Instant.now().plusSeconds(60)));
    Process stale = launch("--version");
    String warning = err(stale);
    assertThat(stale.exitValue()).isZero();
    assertThat(warning.lines().filter(l -> l.startsWith("annolake:")))
        .singleElement()
        .asString()
        .contains("sources are newer")
        .contains("'bin/annolake build'");
    assertThat(mvnCalls()).isEmpty();

    Process build = launch("build");
    err(build);
    assertThat(build.exitValue()).isZero();
    assertThat(mvnCalls()).containsExactly("-q -B -DskipTests package");
  }

  @Test
  void tasksStartingTogetherWithoutAJarBuildItOnce() throws Exception {
    layOut(false);
    Process first = launch("--version");
    Process second = launch("--version");
    Process third = launch("--version");
    for (Process p : List.of(first, second, third)) {
      err(p);
      assertThat(p.exitValue()).isZero();
    }
    assertThat(mvnCalls()).hasSize(1);
  }

  /** Classes the JVM mapped from the application archive (the "top" layer), by class+load logs. */
  private long archivedClasses(String... javaOptions) throws Exception {
    String out = version(String.join(" ", javaOptions) + " -Xlog:class+load=info");
    return out.lines().filter(l -> l.contains("source: shared objects file (top)")).count();
  }

  /** What `--version` prints to stdout with these driver options (JVM logs go there too). */
  private String version(String javaOptions) throws Exception {
    Process p = launch(Map.of("ANNOLAKE_JAVA_OPTS", javaOptions), "--version");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = err(p);
    assertThat(p.exitValue()).as(err).isZero();
    assertThat(out).contains("annolake ");
    return out;
  }

  @Test
  void theDriverRunsParallelGcUnlessTheOptionsPickACollector() throws Exception {
    layOut(true);
    assertThat(version("-Xlog:gc=info")).contains("Using Parallel");
    // two collectors would stop the JVM: the user's choice replaces the default
    assertThat(version("-XX:+UseG1GC -Xlog:gc=info")).contains("Using G1");
    assertThat(version("-XX:+UseSerialGC -Xlog:gc=info")).contains("Using Serial");
  }

  @Test
  void theClassArchiveIsUsedOnlyWhenBuiltWholeForTheJar() throws Exception {
    layOut(true);
    Path archive = checkout.resolve("jobs/target/annolake.jsa");
    assertThat(archivedClasses()).isZero();

    // Spark refuses a 256 MB driver: the training fails, and nothing is left behind
    Process failed = launch("class-archive");
    assertThat(err(failed)).contains("could not build the class-data archive");
    assertThat(failed.exitValue()).isNotZero();
    assertThat(archive).doesNotExist();
    try (var left = Files.list(checkout.resolve("jobs/target"))) {
      assertThat(left.map(f -> f.getFileName().toString()))
          .containsOnly("lib", "annolake-jobs.jar");
    }

    Process built = launch(Map.of("ANNOLAKE_DRIVER_MEMORY", "2g"), "class-archive");
    assertThat(err(built)).contains("class-data archive " + archive);
    assertThat(built.exitValue()).isZero();
    assertThat(archive).isRegularFile();
    assertThat(archivedClasses()).isGreaterThan(100);
    // dumped under the default collector, mapped under another one too
    assertThat(archivedClasses("-XX:+UseG1GC")).isGreaterThan(100);

    // older than the jar: built for an earlier one, so not passed
    Files.setLastModifiedTime(archive, FileTime.from(Instant.parse("2000-01-01T00:00:00Z")));
    assertThat(archivedClasses()).isZero();
  }

  @Test
  void masterWithoutUrlIsAUsageError() throws Exception {
    layOut(true);
    Process p = launch("--master");
    assertThat(err(p)).contains("'--master'");
    assertThat(p.exitValue()).isEqualTo(2);
  }
}
