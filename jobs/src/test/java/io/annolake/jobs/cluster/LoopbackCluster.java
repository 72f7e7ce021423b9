package io.annolake.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on loopback for trials: a Master and Workers as separate JVMs from the
 * project's built library folder (jobs/target/lib), and jobs submitted through SparkSubmit with the
 * {@code -spark-submit.jar}, as on a real cluster. Neither the daemons' nor the executors'
 * classpath holds annolake's own jars: executors get our code from the submitted jar alone.
 */
final class LoopbackCluster implements AutoCloseable {
  static final Path PROJECT =
      Path.of(System.getProperty("annolake.project.root", "..")).toAbsolutePath().normalize();
  static final Path TARGET = PROJECT.resolve("jobs/target");
  static final Path LIB = TARGET.resolve("lib");

  /** Spark's Java 17 flags, as Surefire's argLine gave them to this JVM. */
  static final List<String> FLAGS =
      java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
          .filter(
              a ->
                  a.startsWith("--add-opens")
                      || a.startsWith("-XX:+IgnoreUnrecognized")
                      || a.startsWith("-Djdk.reflect")
                      || a.startsWith("-Dio.netty"))
          .toList();

  private final Path dir;
  private final Path sparkHome;
  private final int port;
  private final int workers;
  private Process master;
  private final List<Process> workerProcesses = new ArrayList<>();

  private LoopbackCluster(Path dir, int workers) throws IOException {
    this.dir = dir;
    this.workers = workers;
    this.port = freePort();
    this.sparkHome = dir.resolve("spark-home");
  }

  /** Builds the distribution if absent, lays out SPARK_HOME, starts the master and the workers. */
  static LoopbackCluster start(Path dir, int workers) throws Exception {
    ensureBuilt();
    LoopbackCluster cluster = new LoopbackCluster(dir, workers);
    cluster.layOut();
    cluster.startMaster();
    cluster.startWorkers();
    return cluster;
  }

  /** The spark-submit jar; built by `bin/annolake build` (under its lock) when absent. */
  static Path submitJar() throws IOException {
    try (Stream<Path> files = Files.list(TARGET)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("-spark-submit.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no -spark-submit.jar in " + TARGET));
    }
  }

  static void ensureBuilt() throws Exception {
    boolean built =
        Files.isDirectory(LIB) && Files.isRegularFile(TARGET.resolve("annolake-jobs.jar"));
    if (!built) {
      Process build =
          new ProcessBuilder(PROJECT.resolve("bin/annolake").toString(), "build")
              .inheritIO()
              .start();
      if (build.waitFor() != 0) {
        throw new IllegalStateException("bin/annolake build failed");
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  String url() {
    return "spark://127.0.0.1:" + port;
  }

  Path dir() {
    return dir;
  }

  /** SPARK_HOME: jars = the library folder without annolake's own jars, and an empty RELEASE. */
  private void layOut() throws IOException {
    Path jars = sparkHome.resolve("jars");
    Files.createDirectories(jars);
    Files.writeString(sparkHome.resolve("RELEASE"), "");
    try (Stream<Path> files = Files.list(LIB)) {
      for (Path jar :
          files.filter(p -> !p.getFileName().toString().startsWith("annolake-")).toList()) {
        Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
      }
    }
  }

  /** A JVM command line with Spark's Java 17 flags and SPARK_HOME's jars as classpath. */
  List<String> java(String mainClass, String heap) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.addAll(FLAGS);
    command.add("-cp");
    command.add(sparkHome.resolve("jars") + "/*");
    command.add(mainClass);
    return command;
  }

  private ProcessBuilder daemon(List<String> command, String log) {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(log).toFile());
    Map<String, String> env = builder.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder;
  }

  private void startMaster() throws Exception {
    List<String> command = java("org.apache.spark.deploy.master.Master", "512m");
    command.addAll(
        List.of(
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--webui-port",
            String.valueOf(freePort())));
    master = daemon(command, "master.log").start();
    awaitLog("master.log", "I have been elected leader", master);
  }

  /** Starts the workers (again, after {@link #killWorkers()}) and waits until they registered. */
  void startWorkers() throws Exception {
    workerProcesses.clear();
    for (int i = 1; i <= workers; i++) {
      Path work = dir.resolve("worker-" + i);
      Files.createDirectories(work);
      Files.deleteIfExists(dir.resolve("worker-" + i + ".log"));
      List<String> command = java("org.apache.spark.deploy.worker.Worker", "512m");
      command.addAll(
          List.of(
              url(),
              "--host",
              "127.0.0.1",
              "--cores",
              "1",
              "--memory",
              "1g",
              "--webui-port",
              "0",
              "--work-dir",
              work.toString()));
      workerProcesses.add(daemon(command, "worker-" + i + ".log").start());
    }
    for (int i = 1; i <= workers; i++) {
      awaitLog(
          "worker-" + i + ".log",
          "Successfully registered with master",
          workerProcesses.get(i - 1));
    }
  }

  private void awaitLog(String log, String line, Process process) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    Path file = dir.resolve(log);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).contains(line)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(log + ": the process ended: " + Files.readString(file));
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("timed out waiting for '" + line + "' in " + file);
  }

  /** The executor JVMs the workers launched (CoarseGrainedExecutorBackend), alive now. */
  List<ProcessHandle> executors() {
    Predicate<ProcessHandle> executor =
        p ->
            p.info()
                .commandLine()
                .map(c -> c.contains("CoarseGrainedExecutorBackend"))
                .orElse(false);
    return workerProcesses.stream()
        .flatMap(Process::descendants)
        .filter(ProcessHandle::isAlive)
        .filter(executor)
        .toList();
  }

  /** kill -9 of one executor JVM; false when none was running. */
  boolean killOneExecutor() {
    List<ProcessHandle> running = executors();
    if (running.isEmpty()) {
      return false;
    }
    return running.get(0).destroyForcibly();
  }

  /** kill -9 of every worker and its executors. */
  void killWorkers() throws InterruptedException {
    for (Process worker : workerProcesses) {
      worker.descendants().forEach(ProcessHandle::destroyForcibly);
      worker.destroyForcibly();
    }
    for (Process worker : workerProcesses) {
      worker.waitFor();
    }
  }

  @Override
  public void close() throws InterruptedException {
    killWorkers();
    if (master != null) {
      master.destroy();
      master.waitFor();
    }
  }

  /** A SparkSubmit command (client mode) running annolake's CLI from the spark-submit jar. */
  List<String> submit(List<String> sparkConf, List<String> args) throws IOException {
    List<String> command = java("org.apache.spark.deploy.SparkSubmit", "2g");
    command.addAll(
        List.of(
            "--master",
            url(),
            "--deploy-mode",
            "client",
            "--class",
            "io.annolake.jobs.AnnolakeCli"));
    command.addAll(List.of("--jars", deltaJars()));
    command.addAll(
        List.of("--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.executor.memory=768m"));
    for (String setting : sparkConf) {
      command.addAll(List.of("--conf", setting));
    }
    command.add(submitJar().toString());
    command.addAll(args);
    return command;
  }

  /** Delta's jars, as `--packages io.delta:delta-spark_2.12:3.3.2` would fetch them. */
  private static String deltaJars() throws IOException {
    try (Stream<Path> files = Files.list(LIB)) {
      return String.join(
          ",",
          files
              .map(Path::toString)
              .filter(p -> p.contains("/delta-spark_") || p.contains("/delta-storage-"))
              .sorted()
              .toList());
    }
  }

  /** Starts a submitted job with its output in a log file, in this cluster's environment. */
  Process start(List<String> command, Path log) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    return builder.start();
  }

  static void copyTree(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
