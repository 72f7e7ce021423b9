package io.annolake.common.spark;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Prints progress of long work to stderr: the job's current stage name, tasks done, rows read and
 * written, and elapsed time; at most one line every interval.
 */
public final class ProgressReporter extends SparkListener implements AutoCloseable {
  private final SparkSession spark;
  private final String job;
  private final PrintStream out;
  private final long intervalNanos;
  private final long startNanos = System.nanoTime();
  private final AtomicLong lastPrint = new AtomicLong(System.nanoTime());
  private final AtomicLong tasksDone = new AtomicLong();
  private final AtomicLong rowsRead = new AtomicLong();
  private final AtomicLong rowsWritten = new AtomicLong();
  private volatile String stage = "starting";
  private volatile String step = "";

  private ProgressReporter(SparkSession spark, String job, PrintStream out, int intervalSeconds) {
    this.spark = spark;
    this.job = job;
    this.out = out;
    this.intervalNanos = Duration.ofSeconds(intervalSeconds).toNanos();
  }

  /** Registers a reporter on the session; close it when the job ends. Interval 0 = silent. */
  public static ProgressReporter start(SparkSession spark, String job, int intervalSeconds) {
    ProgressReporter reporter = new ProgressReporter(spark, job, System.err, intervalSeconds);
    if (intervalSeconds > 0) {
      spark.sparkContext().addSparkListener(reporter);
    }
    return reporter;
  }

  /** Names the step the job is in, printed with every line; also prints it at once. */
  public void step(String name) {
    this.step = name;
    print();
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    stage = event.stageInfo().name();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    tasksDone.incrementAndGet();
    if (event.taskMetrics() != null) {
      rowsRead.addAndGet(event.taskMetrics().inputMetrics().recordsRead());
      rowsWritten.addAndGet(event.taskMetrics().outputMetrics().recordsWritten());
    }
    long now = System.nanoTime();
    long last = lastPrint.get();
    if (now - last >= intervalNanos && lastPrint.compareAndSet(last, now)) {
      print();
    }
  }

  private void print() {
    if (intervalNanos == 0) {
      return;
    }
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    out.printf(
        "[%s] %s | stage: %s | tasks %,d | rows read %,d written %,d | %.1fs elapsed%n",
        job, step, stage, tasksDone.get(), rowsRead.get(), rowsWritten.get(), elapsed);
  }

  @Override
  public void close() {
    spark.sparkContext().removeSparkListener(this);
  }
}
