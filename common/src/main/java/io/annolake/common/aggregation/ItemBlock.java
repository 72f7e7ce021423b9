package io.annolake.common.aggregation;

import java.io.Serializable;

/**
 * Answers of a run of items grouped by item (compressed rows): item {@code i} owns answers {@code
 * start[i] .. start[i+1]-1}. The unit E-steps work on, locally (one block) or per Spark partition.
 *
 * <p>Arrays are shared, never copied, and must not be changed after construction.
 */
public final class ItemBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Gold value of an item without a known answer. */
  public static final int NO_GOLD = -1;

  final int[] start;
  final int[] worker;
  final int[] label;
  final int[] gold;
  final String[] itemIds;

  /**
   * @param start item offsets, length items + 1, non-decreasing, starting at 0
   * @param worker dense worker index per answer
   * @param label dense label index per answer
   * @param gold known label index per item or {@link #NO_GOLD}
   * @param itemIds item id per item (may be null for local blocks)
   */
  public ItemBlock(int[] start, int[] worker, int[] label, int[] gold, String[] itemIds) {
    if (start.length == 0 || start[0] != 0 || start[start.length - 1] != worker.length) {
      throw new IllegalArgumentException(
          "Cannot build item block: offsets do not cover the answers");
    }
    if (worker.length != label.length || gold.length != start.length - 1) {
      throw new IllegalArgumentException("Cannot build item block: array lengths differ");
    }
    this.start = start;
    this.worker = worker;
    this.label = label;
    this.gold = gold;
    this.itemIds = itemIds;
  }

  public int items() {
    return start.length - 1;
  }

  public int answers() {
    return worker.length;
  }

  public int start(int item) {
    return start[item];
  }

  public int end(int item) {
    return start[item + 1];
  }

  public int worker(int answer) {
    return worker[answer];
  }

  public int label(int answer) {
    return label[answer];
  }

  public int gold(int item) {
    return gold[item];
  }

  public String itemId(int item) {
    return itemIds == null ? null : itemIds[item];
  }
}
