package io.annolake.common.aggregation.spark;

import io.annolake.common.aggregation.ItemBlock;
import java.io.Serializable;
import java.util.Arrays;

/**
 * One task's items within one partition, indexed in dictionaries local to the partition (first
 * seen, first numbered); {@link #toGlobal} re-indexes them in the task's sorted global
 * dictionaries.
 *
 * @param workers worker id per local index
 * @param labels label id per local index (answered labels and gold labels)
 */
record LocalBlock(
    String project,
    String step,
    String[] workers,
    String[] labels,
    ItemBlock block,
    ItemFacts facts)
    implements Serializable {

  /**
   * The same answers in the global dictionaries (sorted, so the index order is the id order), each
   * item's answers in one canonical order whatever order they were read in: by worker, label and
   * annotation id. Sums over an item's answers then run in the same order on every run.
   */
  TaskBlock toGlobal(int task, String[] globalWorkers, String[] globalLabels) {
    int[] w = map(workers, globalWorkers);
    int[] l = map(labels, globalLabels);
    int answers = block.answers();
    int[] worker = new int[answers];
    int[] label = new int[answers];
    for (int a = 0; a < answers; a++) {
      worker[a] = w[block.worker(a)];
      label[a] = l[block.label(a)];
    }
    int[] start = new int[block.items() + 1];
    int[] gold = new int[block.items()];
    String[] items = new String[block.items()];
    int[] order = new int[answers];
    for (int i = 0; i < block.items(); i++) {
      start[i + 1] = block.end(i);
      gold[i] = block.gold(i) == ItemBlock.NO_GOLD ? ItemBlock.NO_GOLD : l[block.gold(i)];
      items[i] = block.itemId(i);
      for (int a = start[i]; a < start[i + 1]; a++) {
        order[a] = a;
        // insertion sort: an item has a handful of answers
        for (int b = a; b > start[i] && compare(order[b - 1], order[b], worker, label) > 0; b--) {
          int t = order[b];
          order[b] = order[b - 1];
          order[b - 1] = t;
        }
      }
    }
    return new TaskBlock(
        task,
        new ItemBlock(start, permute(worker, order), permute(label, order), gold, items),
        reorderedFacts(order));
  }

  private int compare(int a, int b, int[] worker, int[] label) {
    int c = Integer.compare(worker[a], worker[b]);
    if (c == 0) {
      c = Integer.compare(label[a], label[b]);
    }
    if (c == 0) {
      int fromA = a == 0 ? 0 : facts.idEnds[a - 1];
      int fromB = b == 0 ? 0 : facts.idEnds[b - 1];
      c =
          Arrays.compareUnsigned(
              facts.idBytes, fromA, facts.idEnds[a], facts.idBytes, fromB, facts.idEnds[b]);
    }
    return c;
  }

  private static int[] permute(int[] values, int[] order) {
    int[] out = new int[values.length];
    for (int a = 0; a < out.length; a++) {
      out[a] = values[order[a]];
    }
    return out;
  }

  /** The facts with the annotation ids in the answers' new order. */
  private ItemFacts reorderedFacts(int[] order) {
    byte[] bytes = new byte[facts.idBytes.length];
    int[] ends = new int[order.length];
    int at = 0;
    for (int a = 0; a < order.length; a++) {
      int from = order[a] == 0 ? 0 : facts.idEnds[order[a] - 1];
      int n = facts.idEnds[order[a]] - from;
      System.arraycopy(facts.idBytes, from, bytes, at, n);
      at += n;
      ends[a] = at;
    }
    return new ItemFacts(
        bytes,
        ends,
        facts.guidelineVersion,
        facts.adjudicatedLabel,
        facts.adjudicatedBy,
        facts.excluded,
        facts.flagged,
        facts.superseded,
        facts.versions,
        facts.orphans);
  }

  private static int[] map(String[] local, String[] global) {
    int[] out = new int[local.length];
    for (int i = 0; i < local.length; i++) {
      out[i] = Arrays.binarySearch(global, local[i]);
      if (out[i] < 0) {
        throw new IllegalStateException(
            "Cannot index answers: '" + local[i] + "' is not in the global dictionary");
      }
    }
    return out;
  }
}
