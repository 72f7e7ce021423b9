package io.annolake.common.anomaly;

import io.annolake.common.schema.Columns;
import io.annolake.common.schema.Tables;
import io.annolake.common.spark.Broadcasts;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The anomalies of one window of days, sequenced: the window's answers, their daily metrics and
 * step durations cached once (every detector reads them), the worker detectors run on the driver's
 * baseline, the annotation and item rules unioned into one flags table, cached for its counts and
 * its write. Close it after the writes: it holds the caches.
 */
public final class AnomalyComputation implements AutoCloseable {
  /** Columns of the gold and consensus baseline, from this window's and earlier days' metrics. */
  private static final String[] BASELINE = {
    Columns.PROJECT_ID,
    Columns.STEP,
    Columns.WORKER_ID,
    Columns.DAY,
    Columns.GOLD_ANSWERS,
    Columns.GOLD_CORRECT,
    Columns.CONSENSUS_ANSWERS,
    Columns.CONSENSUS_AGREED
  };

  private final LocalDate first;
  private final LocalDate last;
  private final Dataset<Row> window;
  private final Dataset<Row> daily;
  private final Dataset<Row> durations;
  private long answers;
  private long dailyRows;
  private Dataset<Row> flags;
  private final Map<String, Long> counts = new TreeMap<>();
  private long total;

  private AnomalyComputation(LocalDate first, LocalDate last, Dataset<Row> window) {
    this.first = first;
    this.last = last;
    this.window = window.persist(StorageLevel.MEMORY_AND_DISK());
    this.daily = AnomalyTransforms.daily(this.window).persist(StorageLevel.MEMORY_AND_DISK());
    this.durations =
        AnomalyTransforms.stepDurations(this.window).persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Runs every enabled detector over the window ending with {@code last} (the work before the
   * writes).
   *
   * @param annotations silver annotations of the run's projects
   * @param consensus consensus_labels, or null (the detectors that need it are skipped)
   * @param gold gold_labels, or null (likewise)
   * @param history worker_daily_metrics of committed earlier days before the window, or null
   * @param step told the name of each step as it starts (progress)
   */
  public static AnomalyComputation run(
      Dataset<Row> annotations,
      Dataset<Row> consensus,
      Dataset<Row> gold,
      Dataset<Row> history,
      AnomalySettings s,
      LocalDate last,
      Consumer<String> step) {
    LocalDate first = firstDay(s, last);
    Set<AnomalyCode> enabled = EnumSet.allOf(AnomalyCode.class);
    skipped(consensus != null, gold != null)
        .keySet()
        .forEach(code -> enabled.remove(AnomalyCode.valueOf(code)));
    Timestamp from = Timestamp.from(first.atStartOfDay(ZoneOffset.UTC).toInstant());
    Timestamp until = Timestamp.from(last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());

    step.accept("gathering the window " + first + ".." + last);
    AnomalyComputation c =
        new AnomalyComputation(
            first,
            last,
            AnomalyTransforms.window(
                annotations,
                consensus,
                gold == null ? null : Broadcasts.ifSmall(gold),
                from,
                until));
    try {
      c.answers = c.window.count(); // fills the caches every detector reads
      c.dailyRows = c.daily.count();
      c.detect(annotations, history, s, enabled, step);
      return c;
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  /** The first day of the settings' window ending with {@code last}. */
  public static LocalDate firstDay(AnomalySettings s, LocalDate last) {
    return last.minusDays(s.window().days() - 1L);
  }

  /** The detectors the inputs leave out (each needs a table that is absent), with why, by code. */
  public static Map<String, String> skipped(boolean hasConsensus, boolean hasGold) {
    Map<String, String> skipped = new TreeMap<>();
    if (!hasConsensus) {
      for (AnomalyCode c :
          List.of(
              AnomalyCode.LOW_CONSENSUS_AGREEMENT,
              AnomalyCode.PRELABEL_RUBBER_STAMPING,
              AnomalyCode.COLLUSION)) {
        skipped.put(
            c.name(), "no " + Tables.CONSENSUS_LABELS + " table (run 'annolake consensus' first)");
      }
    }
    if (!hasGold) {
      skipped.put(
          AnomalyCode.GOLD_FAILURE_SPIKE.name(),
          "no " + Tables.GOLD_LABELS + " table (ingest gold labels first)");
    }
    return skipped;
  }

  private void detect(
      Dataset<Row> annotations,
      Dataset<Row> history,
      AnomalySettings s,
      Set<AnomalyCode> enabled,
      Consumer<String> step) {
    step.accept("worker and pair detectors");
    Dataset<Row> goldDays = daily.selectExpr(BASELINE);
    if (history != null) {
      goldDays = goldDays.unionByName(history.selectExpr(BASELINE));
    }
    LocalDate recentFrom = last.minusDays(s.window().recentDays() - 1L);
    List<Flag> workerFlags =
        WorkerFlags.detect(window, durations, goldDays, recentFrom, s, enabled);

    step.accept("annotation and item rules");
    Dataset<Row> all =
        AnomalyTables.rows(window.sparkSession(), workerFlags)
            .unionByName(AnomalyTransforms.duplicates(window))
            .unionByName(AnomalyTransforms.impossibleTimestamps(annotations, window, s))
            .unionByName(AnomalyTransforms.timingOutliers(window, durations, s))
            .unionByName(AnomalyTransforms.contestedItems(window, s));
    flags =
        AnomalyTables.withWindow(all, first, last, last).persist(StorageLevel.MEMORY_AND_DISK());
    for (Row r : flags.groupBy(Columns.CODE, Columns.SEVERITY).count().collectAsList()) {
      long n = r.<Long>getAs("count");
      counts.put(r.<String>getAs(Columns.CODE) + "/" + r.<String>getAs(Columns.SEVERITY), n);
      total += n;
    }
  }

  /** The window's answers. */
  public long answers() {
    return answers;
  }

  /** worker_daily_metrics rows of the window's days. */
  public Dataset<Row> daily() {
    return daily;
  }

  public long dailyRows() {
    return dailyRows;
  }

  /** anomaly_flags rows of the window. */
  public Dataset<Row> flags() {
    return flags;
  }

  /** Flags by "code/severity". */
  public Map<String, Long> counts() {
    return Collections.unmodifiableMap(counts);
  }

  public long flagCount() {
    return total;
  }

  @Override
  public void close() {
    if (flags != null) {
      flags.unpersist();
    }
    durations.unpersist();
    daily.unpersist();
    window.unpersist();
  }
}
