package io.annolake.common.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps two runs of one job from working on the same rows at once: a lease file per job and scope
 * (a project, or every project) under {@code <lakehouse>/_annolake/locks/}. A run for every project
 * excludes that job's project runs and the other way round; runs for different projects, and runs
 * of different jobs, go on together. A run that finds the lease taken waits up to a bound, then
 * fails (exit 1: a retry helps). The holder renews the file's time while it runs; a lease left by a
 * killed run is taken over once it is older than {@code staleAfter}, or at once when its process is
 * gone on this host.
 *
 * <p>Exclusive creation is atomic on local and HDFS file systems. On object stores without it (S3)
 * two starts in the same instant can both win; Delta's optimistic concurrency then still keeps
 * every table consistent (the later commit of a slice wins), as docs/ARCHITECTURE.md says.
 */
public final class RunLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Scope of a run over every project. */
  public static final String ALL = "*";

  /** The lease could not be had within the wait: another run holds it. */
  public static final class HeldException extends RuntimeException {
    HeldException(String message) {
      super(message);
    }
  }

  private final FileSystem fs;
  private final Path file;
  private final String owner;
  private final Thread heartbeat;

  private RunLock(FileSystem fs, Path file, String owner, Duration staleAfter) {
    this.fs = fs;
    this.file = file;
    this.owner = owner;
    this.heartbeat = new Thread(() -> renew(staleAfter), "annolake-lock-heartbeat");
    heartbeat.setDaemon(true);
    heartbeat.start();
  }

  /**
   * Takes the lease of {@code job} for {@code scope} (a project id, or {@link #ALL}), waiting up to
   * {@code wait} for a holder to finish.
   */
  public static RunLock acquire(
      String lakehouseRoot,
      Configuration hadoop,
      String job,
      String scope,
      String runId,
      Duration wait,
      Duration staleAfter) {
    Path dir = new Path(lakehouseRoot + "/_annolake/locks/" + job);
    Path mine = new Path(dir, fileName(scope));
    String owner = owner(runId, job, scope);
    Instant deadline = Instant.now().plus(wait);
    long backoff = 250;
    try {
      FileSystem fs = local(dir.getFileSystem(hadoop));
      fs.mkdirs(dir);
      while (true) {
        String holder = tryAcquire(fs, dir, mine, owner, scope, staleAfter);
        if (holder == null) {
          LOG.info("{} run {} holds the lock of scope {}", job, runId, scope);
          return new RunLock(fs, mine, owner, staleAfter);
        }
        if (!Instant.now().isBefore(deadline)) {
          throw new HeldException(
              "Cannot start "
                  + job
                  + " run "
                  + runId
                  + " for "
                  + describe(scope)
                  + ": another run holds its lock ("
                  + holder
                  + ") after waiting "
                  + wait.toSeconds()
                  + " s; retry later");
        }
        if (backoff == 250) { // once per wait, where an operator looks
          System.err.printf(
              "annolake %s: run %s waits for %s: another run holds its lock (%s)%n",
              job, runId, describe(scope), holder);
        }
        Thread.sleep(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff));
        backoff = Math.min(5_000, backoff * 2);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot take the run lock under " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the run lock", e);
    }
  }

  /** The raw local file system for file: URIs (no .crc files, java.nio for exclusive creation). */
  private static FileSystem local(FileSystem fs) {
    return fs instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRaw() : fs;
  }

  /** Null when the lease is now ours, else a description of the holder. */
  private static String tryAcquire(
      FileSystem fs, Path dir, Path mine, String owner, String scope, Duration staleAfter)
      throws IOException {
    for (FileStatus other : fs.listStatus(dir)) {
      if (isStale(fs, other, staleAfter)) {
        LOG.warn(
            "Taking over the stale run lock {} ({})",
            other.getPath().getName(),
            read(fs, other.getPath()));
        fs.delete(other.getPath(), false);
      }
    }
    if (!createExclusive(fs, mine, owner)) {
      return read(fs, mine);
    }
    // the other scope kind: a run for every project excludes every project run, and the reverse
    String all = fileName(ALL);
    for (FileStatus other : fs.listStatus(dir)) {
      String name = other.getPath().getName();
      if (!isLease(other)) {
        continue;
      }
      boolean conflicts = !other.getPath().equals(mine) && (ALL.equals(scope) || name.equals(all));
      if (conflicts && !isStale(fs, other, staleAfter)) {
        fs.delete(mine, false);
        return read(fs, other.getPath());
      }
    }
    return null;
  }

  /**
   * Creates the file only if it does not exist, atomically: java.nio's CREATE_NEW on a local disk
   * (Hadoop's local create checks, then opens), Hadoop's create elsewhere.
   */
  private static boolean createExclusive(FileSystem fs, Path path, String content)
      throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if ("file".equals(fs.getUri().getScheme())) {
      try {
        // qualified: a root given as a plain path has no scheme, which Path.of(URI) needs
        java.nio.file.Path local = java.nio.file.Path.of(fs.makeQualified(path).toUri());
        java.nio.file.Files.write(
            local, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      }
    }
    try (FSDataOutputStream out = fs.create(path, false)) {
      out.write(bytes);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(path)) { // some file systems say so with a plain IOException
        return false;
      }
      throw e;
    }
  }

  /** Lease files only (a checksumming file system adds hidden .crc files beside them). */
  private static boolean isLease(FileStatus status) {
    String name = status.getPath().getName();
    return name.endsWith(".lock") && !name.startsWith(".");
  }

  private static boolean isStale(FileSystem fs, FileStatus status, Duration staleAfter)
      throws IOException {
    if (!isLease(status)) {
      return false;
    }
    if (System.currentTimeMillis() - status.getModificationTime() > staleAfter.toMillis()) {
      return true;
    }
    String content = read(fs, status.getPath());
    try {
      JsonNode node = JSON.readTree(content);
      if (node == null || !host().equals(node.path("host").asText())) {
        return false;
      }
      long pid = node.path("pid").asLong(-1);
      return pid > 0 && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    } catch (IOException unreadable) {
      return false; // being written: not stale
    }
  }

  private static String read(FileSystem fs, Path path) {
    try (var in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  /** A file name for any scope: project ids may hold any character. */
  static String fileName(String scope) {
    if (ALL.equals(scope)) {
      return "all-projects.lock";
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(scope.getBytes(StandardCharsets.UTF_8));
      return "project-" + HexFormat.of().formatHex(hash, 0, 16) + ".lock";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String describe(String scope) {
    return ALL.equals(scope) ? "every project" : "project '" + scope + "'";
  }

  private static String owner(String runId, String job, String scope) {
    return JSON.createObjectNode()
        .put("run_id", runId)
        .put("job", job)
        .put("scope", scope)
        .put("host", host())
        .put("pid", ProcessHandle.current().pid())
        .put("since", Instant.now().toString())
        .toString();
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private void renew(Duration staleAfter) {
    long every = Math.max(100, staleAfter.toMillis() / 4);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(every);
        fs.setTimes(file, System.currentTimeMillis(), -1);
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.warn("Could not renew the run lock {}: {}", file, e.toString());
      }
    }
  }

  /** Gives the lease back (only if it is still ours: a holder judged stale may have lost it). */
  @Override
  public void close() {
    heartbeat.interrupt();
    try {
      heartbeat.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (fs.exists(file) && owner.equals(read(fs, file))) {
        fs.delete(file, false);
      }
    } catch (IOException e) {
      LOG.warn("Could not release the run lock {}: {}", file, e.toString());
    }
  }
}
