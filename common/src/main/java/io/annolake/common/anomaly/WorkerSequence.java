package io.annolake.common.anomaly;

import io.annolake.common.schema.Columns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One worker's answers in submission order, gathered from rows sorted by worker and then by time:
 * the longest run of one label ({@link LabelStats#longestRun}) and the densest burst ({@link
 * Bursts#densest}).
 */
final class WorkerSequence {
  /** The columns the rows carry, in this order. */
  static final String[] COLUMNS = {
    Columns.PROJECT_ID,
    Columns.STEP,
    Columns.WORKER_ID,
    "ms",
    Columns.ANNOTATION_ID,
    Columns.LABEL,
    Columns.DURATION_MS
  };

  private static final int PROJECT = 0;
  private static final int STEP = 1;
  private static final int WORKER = 2;
  private static final int MS = 3;
  private static final int LABEL = 5;
  private static final int DURATION = 6;

  private final String project;
  private final String step;
  private final String worker;
  private final Map<String, Integer> labelIds = new HashMap<>();
  private int n;
  private int[] labels = new int[16];
  private long[] times = new long[16];
  private long[] durations = new long[16];

  private WorkerSequence(Row first) {
    project = first.getString(PROJECT);
    step = first.getString(STEP);
    worker = first.getString(WORKER);
  }

  /**
   * One row of the sequence schema per worker, from rows of {@link #COLUMNS} sorted by project,
   * step, worker, then submission (a partition holds every row of its workers).
   */
  static Iterator<Row> each(Iterator<Row> rows, long burstWindowMs) {
    List<Row> out = new ArrayList<>();
    WorkerSequence current = null;
    while (rows.hasNext()) {
      Row r = rows.next();
      if (current == null || !current.isOf(r)) {
        if (current != null) {
          out.add(current.result(burstWindowMs));
        }
        current = new WorkerSequence(r);
      }
      current.add(r);
    }
    if (current != null) {
      out.add(current.result(burstWindowMs));
    }
    return out.iterator();
  }

  private boolean isOf(Row r) {
    return worker.equals(r.getString(WORKER))
        && step.equals(r.getString(STEP))
        && project.equals(r.getString(PROJECT));
  }

  private void add(Row r) {
    if (n == times.length) {
      labels = Arrays.copyOf(labels, 2 * n);
      times = Arrays.copyOf(times, 2 * n);
      durations = Arrays.copyOf(durations, 2 * n);
    }
    labels[n] = labelIds.computeIfAbsent(String.valueOf(r.get(LABEL)), l -> labelIds.size());
    times[n] = r.getLong(MS);
    durations[n] = r.isNullAt(DURATION) ? 0 : r.getLong(DURATION);
    n++;
  }

  private Row result(long burstWindowMs) {
    Bursts.Burst b =
        Bursts.densest(Arrays.copyOf(times, n), Arrays.copyOf(durations, n), burstWindowMs);
    return RowFactory.create(
        project,
        step,
        worker,
        LabelStats.longestRun(Arrays.copyOf(labels, n)),
        b.count(),
        b.startMs(),
        b.claimedMs());
  }
}
