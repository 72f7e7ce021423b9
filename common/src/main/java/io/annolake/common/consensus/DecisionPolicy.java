package io.annolake.common.consensus;

import io.annolake.common.config.ConfigException;
import java.util.Locale;

/**
 * How a project and step turns an item's kept answers into a decision once gold, adjudication and
 * the minimum are settled (see {@link ConsensusPolicy}).
 */
public enum DecisionPolicy {
  /**
   * The three-way rule on raw answer counts: every answer the same -> AUTO_APPROVED; the top label
   * holds more than the majority share of the answers -> MAJORITY; otherwise ESCALATED.
   */
  VOTES,
  /** The fitted method's top posterior against the accept threshold: ACCEPTED or ESCALATED. */
  POSTERIOR;

  /** The policy a config or label-schema value names; {@code where} names the key in the error. */
  public static DecisionPolicy parse(String value, String where) {
    if (value != null) {
      for (DecisionPolicy p : values()) {
        if (p.configName().equals(value.trim().toLowerCase(Locale.ROOT))) {
          return p;
        }
      }
    }
    throw new ConfigException(
        "Invalid value '" + value + "' for '" + where + "': expected votes or posterior");
  }

  /** The name used in config, label schemas and the consensus_labels column. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
