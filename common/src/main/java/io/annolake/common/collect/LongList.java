package io.annolake.common.collect;

import java.util.Arrays;

/**
 * A growable long array (no boxing): pair keys by the million, as {@link IntList} holds answers.
 */
public final class LongList {
  private long[] values = new long[16];
  private int size;

  public void add(long v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
  }

  public void addAll(long[] v) {
    if (size + v.length > values.length) {
      values = Arrays.copyOf(values, Math.max(size + v.length, size * 2));
    }
    System.arraycopy(v, 0, values, size, v.length);
    size += v.length;
  }

  public int size() {
    return size;
  }

  public long[] toArray() {
    return Arrays.copyOf(values, size);
  }
}
