package io.annolake.common.spark;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a cluster run's SparkContext when the application has had no executor for a while with work
 * pending, so the run fails (exit 1) instead of waiting forever: Spark retries tasks and the
 * cluster manager relaunches lost executors, but with every worker gone Spark waits for new ones
 * without end. A run that never got an executor (a busy cluster) is left to wait.
 *
 * <p>The executors are counted by polling Spark's status tracker, not from listener events: the
 * watchdog is installed after the context started, when executors may already have registered.
 */
public final class ExecutorWatchdog {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorWatchdog.class);

  private final SparkContext context;
  private final long timeoutNanos;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "annolake-executor-watchdog");
            t.setDaemon(true);
            return t;
          });
  private boolean hadExecutor;
  private long emptySince = -1L;

  private ExecutorWatchdog(SparkContext context, Duration timeout) {
    this.context = context;
    this.timeoutNanos = timeout.toNanos();
  }

  /** Watches the context; a zero timeout installs nothing (wait forever, as Spark does). */
  public static void install(SparkContext context, Duration timeout) {
    if (timeout.isZero() || timeout.isNegative()) {
      return;
    }
    ExecutorWatchdog watchdog = new ExecutorWatchdog(context, timeout);
    watchdog.timer.scheduleWithFixedDelay(watchdog::check, 1, 1, TimeUnit.SECONDS);
  }

  private void check() {
    if (context.isStopped()) {
      timer.shutdown();
      return;
    }
    // the status tracker lists the driver beside the executors
    int executors = context.statusTracker().getExecutorInfos().length - 1;
    hadExecutor |= executors > 0;
    boolean starved =
        hadExecutor && executors <= 0 && context.statusTracker().getActiveJobIds().length > 0;
    long now = System.nanoTime();
    if (!starved) {
      emptySince = -1L;
    } else if (emptySince < 0) {
      emptySince = now;
    } else if (now - emptySince >= timeoutNanos) {
      String message =
          String.format(
              "no executor for %d s with work pending (every worker lost?): stopping the run;"
                  + " rerun it when the cluster has workers (annolake.spark.executor-loss-timeout)",
              TimeUnit.NANOSECONDS.toSeconds(now - emptySince));
      LOG.error(message);
      System.err.println("annolake: " + message);
      timer.shutdown();
      stopRun();
    }
  }

  /**
   * Stops the context on a thread of its own, which nothing interrupts (an interrupted stop can
   * leave the driver's job waiting forever); if the process is still alive a timeout later, it ends
   * with exit 1, so a scheduler sees the failure and retries.
   */
  private void stopRun() {
    Thread stopper =
        new Thread(
            () -> {
              context.stop();
              try {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              LOG.error("the run did not end after its SparkContext stopped: exiting with code 1");
              System.err.println("annolake: the run did not end after its SparkContext stopped");
              Runtime.getRuntime().halt(1);
            },
            "annolake-executor-watchdog-stop");
    stopper.setDaemon(true);
    stopper.start();
  }
}
