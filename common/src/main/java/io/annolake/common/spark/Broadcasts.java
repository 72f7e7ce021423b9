package io.annolake.common.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.functions;

/**
 * Small sets joined to large ones are broadcast, so the large side is not shuffled; up to a bound,
 * so a set that happens to be large does not fill the driver.
 */
public final class Broadcasts {
  /**
   * Rows up to which a set is broadcast: tens of bytes a key row, a few hundred a reject or gold
   * label, so at most a few hundred MB.
   */
  public static final long MAX_ROWS = 500_000;

  private Broadcasts() {}

  /** The set hinted for broadcast when it has at most {@link #MAX_ROWS} rows (one count). */
  public static <T> Dataset<T> ifSmall(Dataset<T> set) {
    return set.count() <= MAX_ROWS ? functions.broadcast(set) : set;
  }
}
