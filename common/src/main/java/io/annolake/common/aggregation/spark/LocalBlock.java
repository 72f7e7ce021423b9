package io.annolake.common.aggregation.spark;

import io.annolake.common.aggregation.ItemBlock;
import java.io.Serializable;
import java.util.Arrays;

/**
 * One task's items within one partition, indexed in dictionaries local to the partition (first
 * seen, first numbered); {@link #toGlobal} re-indexes them in the task's sorted global dictionaries.
 *
 * @param workers worker id per local index
 * @param labels label id per local index (answered labels and gold labels)
 */
record LocalBlock(String project, String step, String[] workers, String[] labels, ItemBlock block, ItemFacts facts)
    implements Serializable {

  /** The same answers in the global dictionaries (sorted, so the index order is the id order). */
  TaskBlock toGlobal(int task, String[] globalWorkers, String[] globalLabels) {
    int[] w = map(workers, globalWorkers);
    int[] l = map(labels, globalLabels);
    int[] worker = new int[block.answers()];
    int[] label = new int[block.answers()];
    for (int a = 0; a < worker.length; a++) {
      worker[a] = w[block.worker(a)];
      label[a] = l[block.label(a)];
    }
    int[] start = new int[block.items() + 1];
    int[] gold = new int[block.items()];
    String[] items = new String[block.items()];
    for (int i = 0; i < block.items(); i++) {
      start[i + 1] = block.end(i);
      gold[i] = block.gold(i) == ItemBlock.NO_GOLD ? ItemBlock.NO_GOLD : l[block.gold(i)];
      items[i] = block.itemId(i);
    }
    return new TaskBlock(task, new ItemBlock(start, worker, label, gold, items), facts);
  }

  private static int[] map(String[] local, String[] global) {
    int[] out = new int[local.length];
    for (int i = 0; i < local.length; i++) {
      out[i] = Arrays.binarySearch(global, local[i]);
      if (out[i] < 0) {
        throw new IllegalStateException("Cannot index answers: '" + local[i] + "' is not in the global dictionary");
      }
    }
    return out;
  }
}
