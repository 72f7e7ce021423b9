package io.annolake.common.aggregation.spark;

import io.annolake.common.aggregation.ItemBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * Turns one partition of answer rows (project_id, step, item_id, worker_id, label, gold_label),
 * sorted by those columns, into one {@link ItemBlock} per task present, with ids looked up in the
 * task's sorted dictionaries.
 */
final class BlockBuilder {
  private final int task;
  private final String[] workers;
  private final String[] labels;
  private final IntList start = new IntList();
  private final IntList worker = new IntList();
  private final IntList label = new IntList();
  private final IntList gold = new IntList();
  private final List<String> items = new ArrayList<>();
  private String current;

  private BlockBuilder(int task, String[] workers, String[] labels) {
    this.task = task;
    this.workers = workers;
    this.labels = labels;
    start.add(0);
  }

  static List<TaskBlock> buildAll(Iterator<Row> rows, Map<String, Integer> tasks, String[][] workers, String[][] labels) {
    List<TaskBlock> out = new ArrayList<>();
    BlockBuilder builder = null;
    String key = null;
    while (rows.hasNext()) {
      Row r = rows.next();
      String rowKey = SparkAggregation.taskKey(r.getString(0), r.getString(1));
      if (!rowKey.equals(key)) {
        if (builder != null) {
          out.add(builder.finish());
        }
        int t = tasks.get(rowKey);
        builder = new BlockBuilder(t, workers[t], labels[t]);
        key = rowKey;
      }
      builder.add(r.getString(2), r.getString(3), r.getString(4), r.isNullAt(5) ? null : r.getString(5));
    }
    if (builder != null) {
      out.add(builder.finish());
    }
    return out;
  }

  private void add(String item, String workerId, String labelId, String goldLabel) {
    if (!item.equals(current)) {
      if (current != null) {
        start.add(worker.size);
      }
      current = item;
      items.add(item);
      gold.add(goldLabel == null ? ItemBlock.NO_GOLD : index(labels, goldLabel, "label"));
    }
    worker.add(index(workers, workerId, "worker"));
    label.add(index(labels, labelId, "label"));
  }

  private TaskBlock finish() {
    start.add(worker.size);
    return new TaskBlock(
        task, new ItemBlock(start.toArray(), worker.toArray(), label.toArray(), gold.toArray(), items.toArray(String[]::new)));
  }

  private static int index(String[] sorted, String id, String what) {
    int i = Arrays.binarySearch(sorted, id);
    if (i < 0) {
      throw new IllegalStateException("Cannot index answers: " + what + " '" + id + "' is not in the dictionary");
    }
    return i;
  }

  /** A growable int array (boxing 10M answers would cost more than the answers). */
  private static final class IntList {
    private int[] values = new int[1024];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
