package io.annolake.common.aggregation.spark;

import io.annolake.common.aggregation.ItemBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Turns one partition of answer rows (item_id, worker_id, label, gold_label), sorted by item,
 * worker and label, into one {@link ItemBlock}, with ids looked up in the sorted dictionaries.
 */
final class BlockBuilder {
  private BlockBuilder() {}

  static ItemBlock build(Iterator<Row> rows, String[] workers, String[] labels) {
    IntList start = new IntList();
    IntList worker = new IntList();
    IntList label = new IntList();
    IntList gold = new IntList();
    List<String> items = new ArrayList<>();
    start.add(0);
    String current = null;
    while (rows.hasNext()) {
      Row r = rows.next();
      String item = r.getString(0);
      if (!item.equals(current)) {
        if (current != null) {
          start.add(worker.size);
        }
        current = item;
        items.add(item);
        gold.add(r.isNullAt(3) ? ItemBlock.NO_GOLD : index(labels, r.getString(3), "label"));
      }
      worker.add(index(workers, r.getString(1), "worker"));
      label.add(index(labels, r.getString(2), "label"));
    }
    if (current != null) {
      start.add(worker.size);
    }
    return new ItemBlock(start.toArray(), worker.toArray(), label.toArray(), gold.toArray(), items.toArray(String[]::new));
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
