package io.annolake.common.aggregation;

import java.util.Map;

/**
 * A truth-inference method in Crowd-Kit's shape: settings in the constructor, {@link #fit} returns
 * an immutable model and never changes its input.
 */
public interface Aggregator {
  /** Short method name as the CLI spells it, e.g. {@code ds}. */
  String name();

  /** The settings, by name, as recorded with every consensus row (and hashed). */
  Map<String, String> params();

  AggregationModel fit(Answers answers);

  /** The method as passes over item blocks (for the Spark runner), or null if it has none. */
  default EmProgram program(int workers, int classes) {
    return null;
  }
}
