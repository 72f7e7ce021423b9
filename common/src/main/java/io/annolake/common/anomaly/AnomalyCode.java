package io.annolake.common.anomaly;

/** The stable flag codes (a public contract: extend, never rename) and the entity each is about. */
public enum AnomalyCode {
  /**
   * The same worker answered the same item of a step more than once (under different annotation
   * ids).
   */
  DUPLICATE_SUBMISSION(EntityType.ANNOTATION),
  /**
   * Timestamps that cannot be true but passed ingestion: after ingestion, outside the batch window,
   * or contradicting duration_ms.
   */
  IMPOSSIBLE_TIMESTAMP(EntityType.ANNOTATION),
  /**
   * A worker whose typical answer is much faster than the step's (or below its configured minimum).
   */
  TOO_FAST(EntityType.WORKER),
  /** One answer whose duration is far from the step's (robust z of log duration). */
  TIMING_OUTLIER(EntityType.ANNOTATION),
  /** More submissions within a minute than a person can make. */
  BURST(EntityType.WORKER),
  /**
   * Label entropy far below what the worker's items call for, or improbably long runs of one label.
   */
  STRAIGHT_LINING(EntityType.WORKER),
  /**
   * A worker's label mix far from the mix expected on their items (chi-square and KL, minimum
   * count).
   */
  LABEL_DISTRIBUTION_SHIFT(EntityType.WORKER),
  /** Chance-corrected agreement with consensus near chance, or far below the step's workers. */
  LOW_CONSENSUS_AGREEMENT(EntityType.WORKER),
  /**
   * Accepting the model pre-label even where it is wrong, at a rate and speed that suggest no
   * checking.
   */
  PRELABEL_RUBBER_STAMPING(EntityType.WORKER),
  /** Recent gold accuracy well below the worker's own history. */
  GOLD_FAILURE_SPIKE(EntityType.WORKER),
  /** Two workers agreeing on shared items far beyond what their individual skills explain. */
  COLLUSION(EntityType.WORKER_PAIR),
  /** An item on which no answer has a clear majority. */
  CONTESTED_ITEM(EntityType.ITEM);

  private final EntityType entity;

  AnomalyCode(EntityType entity) {
    this.entity = entity;
  }

  public EntityType entity() {
    return entity;
  }
}
