package io.annolake.common.anomaly;

import java.util.Locale;

/**
 * What a flag is about; {@link #value()} is the string stored in {@code anomaly_flags.entity_type}.
 */
public enum EntityType {
  ANNOTATION,
  WORKER,
  ITEM,
  /** Two workers; the entity id is {@code worker_a|worker_b} with the ids in sorted order. */
  WORKER_PAIR;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The entity id of a worker pair, independent of argument order. */
  public static String pairId(String a, String b) {
    return a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
  }
}
