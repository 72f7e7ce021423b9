package io.annolake.common.anomaly;

/**
 * How urgent a flag is. HIGH means "stop and look before this work reaches the training set" and is
 * kept for evidence that legitimate variation does not produce; MEDIUM asks for a look; LOW is
 * context (unusual, not wrong).
 */
public enum Severity {
  LOW,
  MEDIUM,
  HIGH;

  /** The lower of two severities (used to cap a flag). */
  public Severity atMost(Severity cap) {
    return compareTo(cap) <= 0 ? this : cap;
  }
}
