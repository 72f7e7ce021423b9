package io.annolake.jobs.trials;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code bin/annolake} as a process of its own (a fresh JVM, as an Airflow task does), on a
 * small local Spark, and can kill it with SIGKILL (the launcher execs the JVM: the process is the
 * driver).
 */
public final class Launcher {
  private final Path projectRoot;
  private final Path conf;
  private final Path logs;
  private int started;

  /** One running command: its process and the file its output goes to. */
  public record Running(Process process, Path log, List<String> args) {
    /** Waits for the exit code (fails the trial after the given minutes). */
    public int await(int minutes) throws InterruptedException {
      if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("Timed out after " + minutes + " min: " + args);
      }
      return process.exitValue();
    }

    /** kill -9 of the driver. */
    public void kill() throws InterruptedException {
      process.destroyForcibly(); // SIGKILL on Linux
      process.waitFor();
    }

    public String output() throws IOException {
      return Files.readString(log);
    }
  }

  public Launcher(Path work) throws IOException {
    this.projectRoot =
        Path.of(System.getProperty("annolake.project.root", ".")).toAbsolutePath().normalize();
    Path jar = projectRoot.resolve("jobs/target/annolake-jobs.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "Trials start bin/annolake on the built project: run `mvn -DskipTests package` first ("
              + jar
              + " is missing)");
    }
    this.logs = Files.createDirectories(work.resolve("logs"));
    // small and quiet, like the test session: the trials compare with tables written in-process
    this.conf =
        Files.writeString(
            work.resolve("trial.conf"),
            "annolake { lakehouse.catalog = in-memory, spark.master = \"local[2]\", spark.shuffle-partitions = 2,"
                + " progress.interval-seconds = 0, concurrency.lock-stale-after = 20s }\n");
  }

  /** Starts {@code bin/annolake ARGS --conf trial.conf}. */
  public synchronized Running start(List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(projectRoot.resolve("bin/annolake").toString());
    command.addAll(args);
    command.add("--conf");
    command.add(conf.toString());
    Path log = logs.resolve(String.format("%03d-%s.log", ++started, args.get(0)));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("ANNOLAKE_DRIVER_MEMORY", "1500m");
    return new Running(builder.start(), log, List.copyOf(args));
  }

  /** Runs to the end and returns the exit code. */
  public int run(List<String> args) throws IOException, InterruptedException {
    return start(args).await(15);
  }
}
