package io.annolake.jobs;

import io.annolake.common.spark.ProgressReporter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Names a job's steps on the progress line and times them (seconds, in order); runs independent
 * writes concurrently.
 */
public final class JobSteps {
  private final ProgressReporter progress;
  private final Map<String, Double> seconds = Collections.synchronizedMap(new LinkedHashMap<>());
  private String current;
  private long started;

  public JobSteps(ProgressReporter progress) {
    this.progress = progress;
  }

  public void start(String step) {
    end();
    current = step;
    started = System.nanoTime();
    progress.step(step);
  }

  public void end() {
    if (current != null) {
      seconds.put(current, (System.nanoTime() - started) / 1e9);
      current = null;
    }
  }

  /**
   * Runs the tasks on threads of their own (made here, so they inherit the run's Spark job group),
   * each timed as " name"; waits for all of them, then throws the first failure (a checked one
   * wrapped, so callers need not declare it).
   */
  public Map<String, Long> concurrently(Map<String, Callable<Long>> tasks) {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    Map<String, Future<Long>> futures = new LinkedHashMap<>();
    try {
      tasks.forEach(
          (name, task) ->
              futures.put(
                  name,
                  pool.submit(
                      () -> {
                        long t0 = System.nanoTime();
                        Long out = task.call();
                        seconds.put("  " + name, (System.nanoTime() - t0) / 1e9);
                        return out;
                      })));
    } finally {
      pool.shutdown();
    }
    Map<String, Long> out = new LinkedHashMap<>();
    Throwable failure = null;
    for (Map.Entry<String, Future<Long>> f : futures.entrySet()) {
      try {
        out.put(f.getKey(), f.getValue().get());
      } catch (ExecutionException e) {
        failure = failure == null ? e.getCause() : failure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = failure == null ? e : failure;
      }
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
    return out;
  }

  public Map<String, Double> seconds() {
    synchronized (seconds) {
      return Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }
  }
}
