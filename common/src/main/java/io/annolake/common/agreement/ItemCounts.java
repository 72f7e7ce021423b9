package io.annolake.common.agreement;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The values one item received, as counts per category index (sparse: only categories seen). The
 * unit of every coefficient here: Krippendorff's "values in unit u" ({@code m_u = total()}).
 */
public final class ItemCounts implements Serializable {
  private final int[] categories;
  private final int[] counts;
  private final int total;

  private ItemCounts(int[] categories, int[] counts, int total) {
    this.categories = categories;
    this.counts = counts;
    this.total = total;
  }

  /** Counts from one category index per value (any order; negative indexes are not allowed). */
  public static ItemCounts ofValues(int... values) {
    int[] sorted = values.clone();
    Arrays.sort(sorted);
    int distinct = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0) {
        throw new IllegalArgumentException(
            "Cannot count category index " + sorted[i] + ": must not be negative");
      }
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        distinct++;
      }
    }
    int[] cats = new int[distinct];
    int[] cnts = new int[distinct];
    int j = -1;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        cats[++j] = sorted[i];
      }
      cnts[j]++;
    }
    return new ItemCounts(cats, cnts, sorted.length);
  }

  /** Counts from a dense vector: {@code dense[c]} values in category c. */
  public static ItemCounts ofDense(int... dense) {
    int distinct = 0;
    for (int c : dense) {
      distinct += c > 0 ? 1 : 0;
    }
    int[] cats = new int[distinct];
    int[] cnts = new int[distinct];
    int j = 0;
    int total = 0;
    for (int c = 0; c < dense.length; c++) {
      if (dense[c] > 0) {
        cats[j] = c;
        cnts[j++] = dense[c];
        total += dense[c];
      }
    }
    return new ItemCounts(cats, cnts, total);
  }

  /** A total order of patterns (by their category indexes, then counts), consistent with equals. */
  public static final java.util.Comparator<ItemCounts> ORDER =
      (a, b) -> {
        int c = Arrays.compare(a.categories, b.categories);
        return c != 0 ? c : Arrays.compare(a.counts, b.counts);
      };

  /** Number of values (annotations) of the item. */
  public int total() {
    return total;
  }

  /** Number of distinct categories the item received. */
  public int distinct() {
    return categories.length;
  }

  /** The j-th category seen (ascending index). */
  public int category(int j) {
    return categories[j];
  }

  /** The count of the j-th category seen. */
  public int count(int j) {
    return counts[j];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ItemCounts other
        && total == other.total
        && Arrays.equals(categories, other.categories)
        && Arrays.equals(counts, other.counts);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(categories) + Arrays.hashCode(counts);
  }

  /** Largest count of one category. */
  public int topCount() {
    int top = 0;
    for (int c : counts) {
      top = Math.max(top, c);
    }
    return top;
  }
}
