package io.annolake.common.spark;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a cluster run's SparkContext when the application has had no executor for a while with work
 * pending, so the run fails (exit 1) instead of waiting forever: Spark retries tasks and the
 * cluster manager relaunches lost executors, but with every worker gone Spark waits for new ones
 * without end. A run that never got an executor (a busy cluster) is left to wait.
 */
public final class ExecutorWatchdog extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorWatchdog.class);

  private final SparkContext context;
  private final long timeoutNanos;
  private final AtomicInteger executors = new AtomicInteger();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "annolake-executor-watchdog");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean hadExecutor;
  private volatile long emptySince = -1L;

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
    context.addSparkListener(watchdog);
    watchdog.timer.scheduleWithFixedDelay(watchdog::check, 1, 1, TimeUnit.SECONDS);
  }

  @Override
  public void onExecutorAdded(SparkListenerExecutorAdded event) {
    executors.incrementAndGet();
    hadExecutor = true;
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
    executors.decrementAndGet();
  }

  @Override
  public void onApplicationEnd(SparkListenerApplicationEnd event) {
    timer.shutdownNow();
  }

  private void check() {
    if (context.isStopped()) {
      timer.shutdownNow();
      return;
    }
    boolean starved =
        hadExecutor && executors.get() <= 0 && context.statusTracker().getActiveJobIds().length > 0;
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
      context.stop();
    }
  }
}
