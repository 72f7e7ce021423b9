package io.annolake.common.anomaly;

import static org.apache.spark.sql.functions.col;

import io.annolake.common.schema.Columns;
import io.annolake.common.stats.RunningStats;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Collects the per-worker, per-pair and per-step statistics (small: workers x labels) to the
 * driver, builds the pure inputs ({@link StepContext}, {@link WorkerStats}, {@link
 * WorkerDetectors.PairStats}) and runs the worker and pair detectors on each step.
 */
public final class WorkerFlags {
  private WorkerFlags() {}

  /**
   * @param window the window's answers ({@link AnomalyTransforms#window})
   * @param stepDurations {@link AnomalyTransforms#stepDurations}
   * @param goldDays per worker and day: project_id, step, worker_id, day, gold_answers,
   *     gold_correct, consensus_answers, consensus_agreed (the window's days and committed history
   *     days)
   * @param recentFrom first day that counts as recent
   */
  public static List<Flag> detect(
      Dataset<Row> window,
      Dataset<Row> stepDurations,
      Dataset<Row> goldDays,
      LocalDate recentFrom,
      AnomalySettings s,
      Set<AnomalyCode> enabled) {
    Map<String, Double> medians = new HashMap<>();
    for (Row r : stepDurations.collectAsList()) {
      medians.put(stepKey(r), nullableDouble(r, "median_ms"));
    }
    // labels per step and counts per worker
    List<Row> counts = AnomalyTransforms.labelCounts(window).collectAsList();
    Map<String, TreeSet<String>> labelSets = new TreeMap<>();
    for (Row r : counts) {
      TreeSet<String> set = labelSets.computeIfAbsent(stepKey(r), k -> new TreeSet<>());
      String given = r.getAs(Columns.LABEL);
      String consensus = r.getAs("consensus_label");
      if (given != null) {
        set.add(given);
      }
      if (consensus != null) {
        set.add(consensus);
      }
    }
    Map<String, List<String>> labels = new HashMap<>();
    labelSets.forEach((k, v) -> labels.put(k, List.copyOf(v)));
    Map<String, long[]> workerLabels = new HashMap<>();
    Map<String, long[]> workerItemConsensus = new HashMap<>();
    Map<String, long[][]> confusion = new HashMap<>();
    Map<String, long[]> stepLabels = new HashMap<>();
    for (Row r : counts) {
      String step = stepKey(r);
      List<String> ls = labels.get(step);
      int k = ls.size();
      String worker = workerKey(r);
      long n = r.<Long>getAs("n");
      int given = indexOf(ls, r.getAs(Columns.LABEL));
      int truth = indexOf(ls, r.getAs("consensus_label"));
      if (given >= 0) {
        workerLabels.computeIfAbsent(worker, w -> new long[k])[given] += n;
        stepLabels.computeIfAbsent(step, w -> new long[k])[given] += n;
      }
      if (truth >= 0) {
        workerItemConsensus.computeIfAbsent(worker, w -> new long[k])[truth] += n;
        if (given >= 0) {
          confusion.computeIfAbsent(worker, w -> new long[k][k])[truth][given] += n;
        }
      }
    }
    Map<String, StepContext> steps = new TreeMap<>();
    for (Map.Entry<String, List<String>> e : labels.entrySet()) {
      String[] ps = e.getKey().split("\u001f", -1);
      long[] c = stepLabels.getOrDefault(e.getKey(), new long[e.getValue().size()]);
      steps.put(
          e.getKey(),
          new StepContext(
              ps[0],
              ps[1],
              e.getValue(),
              LabelStats.shares(c),
              medians.getOrDefault(e.getKey(), Double.NaN)));
    }

    Map<String, Row> sequences = new HashMap<>();
    for (Row r : AnomalyTransforms.sequences(window, s.burst().windowMs()).collectAsList()) {
      sequences.put(workerKey(r), r);
    }
    Map<String, WorkerStats.GoldHistory> gold = goldHistories(goldDays, recentFrom);

    Map<String, List<WorkerStats>> byStep = new TreeMap<>();
    for (Row r : AnomalyTransforms.workerScalars(window).collectAsList()) {
      String step = stepKey(r);
      String worker = workerKey(r);
      int k = labels.get(step).size();
      long[] lc = workerLabels.getOrDefault(worker, new long[k]);
      long[] ic = workerItemConsensus.getOrDefault(worker, new long[k]);
      long[][] cm = confusion.getOrDefault(worker, new long[k][k]);
      long consensusAnswers = 0;
      long agreed = 0;
      for (int t = 0; t < k; t++) {
        agreed += cm[t][t];
        for (int a = 0; a < k; a++) {
          consensusAnswers += cm[t][a];
        }
      }
      Row seq = sequences.get(worker);
      Bursts.Burst burst =
          seq == null
              ? Bursts.Burst.NONE
              : new Bursts.Burst(
                  seq.<Integer>getAs("burst_count"),
                  seq.<Long>getAs("burst_start_ms"),
                  seq.<Long>getAs("burst_claimed_ms"));
      byStep
          .computeIfAbsent(step, x -> new ArrayList<>())
          .add(
              new WorkerStats(
                  r.<String>getAs(Columns.WORKER_ID),
                  r.<String>getAs(Columns.WORKER_TYPE),
                  r.<Long>getAs(Columns.ANSWERS),
                  nullableDouble(r, "median_duration_ms"),
                  lc,
                  ic,
                  consensusAnswers,
                  agreed,
                  r.<Long>getAs("wrong_prelabels"),
                  r.<Long>getAs("wrong_prelabels_accepted"),
                  nullableDouble(r, "prelabel_median_duration_ms"),
                  r.<Long>getAs(Columns.GOLD_ANSWERS),
                  r.<Long>getAs(Columns.GOLD_CORRECT),
                  seq == null ? 0 : seq.<Integer>getAs("longest_run"),
                  burst,
                  gold.getOrDefault(worker, WorkerStats.GoldHistory.NONE)));
    }

    Map<String, List<WorkerDetectors.PairStats>> pairs = new HashMap<>();
    if (enabled.contains(AnomalyCode.COLLUSION)) {
      Map<String, long[][]> pairCounts = new TreeMap<>();
      for (Row r :
          AnomalyTransforms.pairCounts(window, s.collusion().minShared()).collectAsList()) {
        String step = stepKey(r);
        List<String> ls = labels.get(step);
        int t = ls.indexOf(r.<String>getAs("t"));
        long[][] c =
            pairCounts.computeIfAbsent(
                key(step, r.getAs("wa"), r.getAs("wb")), x -> new long[3][ls.size()]);
        c[0][t] += r.<Long>getAs("shared");
        c[1][t] += r.<Long>getAs("agreed");
        c[2][t] += r.<Long>getAs("wrong_agreed");
      }
      pairCounts.forEach(
          (k, c) -> {
            String[] parts = k.split("\u001f", -1);
            pairs
                .computeIfAbsent(key(parts[0], parts[1]), x -> new ArrayList<>())
                .add(new WorkerDetectors.PairStats(parts[2], parts[3], c[0], c[1], c[2]));
          });
    }

    List<Flag> flags = new ArrayList<>();
    for (Map.Entry<String, StepContext> e : steps.entrySet()) {
      StepContext ctx = e.getValue();
      flags.addAll(
          WorkerDetectors.detect(byStep.getOrDefault(e.getKey(), List.of()), ctx, s, enabled));
      List<WorkerDetectors.PairStats> stepPairs = pairs.get(e.getKey());
      if (stepPairs != null) {
        Map<String, long[][]> stepConfusions = new HashMap<>();
        confusion.forEach(
            (w, m) -> {
              if (w.startsWith(e.getKey() + "\u001f")) {
                stepConfusions.put(w.substring(e.getKey().length() + 1), m);
              }
            });
        flags.addAll(WorkerDetectors.collusion(stepPairs, stepConfusions, ctx, s));
      }
    }
    return flags;
  }

  /**
   * Per worker: gold answers before {@code recentFrom} (history, with the daily accuracy baseline)
   * and from it on.
   */
  static Map<String, WorkerStats.GoldHistory> goldHistories(
      Dataset<Row> goldDays, LocalDate recentFrom) {
    Map<String, long[]> counts = new HashMap<>();
    Map<String, RunningStats> daily = new HashMap<>();
    Date recent = Date.valueOf(recentFrom);
    for (Row r :
        goldDays
            .where(col(Columns.GOLD_ANSWERS).gt(0).or(col(Columns.CONSENSUS_ANSWERS).gt(0)))
            .collectAsList()) {
      String worker = workerKey(r);
      long answers = r.<Long>getAs(Columns.GOLD_ANSWERS);
      long correct = r.<Long>getAs(Columns.GOLD_CORRECT);
      long[] c = counts.computeIfAbsent(worker, w -> new long[8]);
      int offset = r.<Date>getAs(Columns.DAY).before(recent) ? 0 : 2;
      c[offset] += answers;
      c[offset + 1] += correct;
      c[offset + 4] += r.<Long>getAs(Columns.CONSENSUS_ANSWERS);
      c[offset + 5] += r.<Long>getAs(Columns.CONSENSUS_AGREED);
      if (offset == 0 && answers > 0) {
        daily.merge(worker, RunningStats.of((double) correct / answers), RunningStats::merge);
      }
    }
    Map<String, WorkerStats.GoldHistory> out = new HashMap<>();
    counts.forEach(
        (w, c) ->
            out.put(
                w,
                new WorkerStats.GoldHistory(
                    c[0],
                    c[1],
                    c[2],
                    c[3],
                    daily.getOrDefault(w, RunningStats.EMPTY),
                    c[4],
                    c[5],
                    c[6],
                    c[7])));
    return out;
  }

  private static double nullableDouble(Row r, String column) {
    Number v = r.getAs(column);
    return v == null ? Double.NaN : v.doubleValue();
  }

  /** Index of a label in a step's labels; -1 for null (no answer or no consensus). */
  private static int indexOf(List<String> labels, String label) {
    return label == null ? -1 : labels.indexOf(label);
  }

  /** The key of a row's project and step. */
  private static String stepKey(Row r) {
    return key(r.getAs(Columns.PROJECT_ID), r.getAs(Columns.STEP));
  }

  /** The key of a row's project, step and worker. */
  private static String workerKey(Row r) {
    return key(r.getAs(Columns.PROJECT_ID), r.getAs(Columns.STEP), r.getAs(Columns.WORKER_ID));
  }

  private static String key(String... parts) {
    return String.join("\u001f", parts);
  }
}
