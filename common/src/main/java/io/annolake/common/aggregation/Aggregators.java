package io.annolake.common.aggregation;

import java.util.List;

/** The aggregators by CLI name, each with its default settings. */
public final class Aggregators {
  /** Every method, in the order compare-methods reports them. */
  public static final List<String> NAMES = List.of("mv", "wmv", "wawa", "ds", "ocds", "glad", "mace");

  private Aggregators() {}

  public static Aggregator byName(String name) {
    return switch (name) {
      case "mv" -> new MajorityVote();
      case "wmv" -> new WeightedMajorityVote();
      case "wawa" -> new Wawa();
      case "ds" -> new DawidSkene(DawidSkene.Settings.defaults());
      case "ocds" -> new OneCoinDawidSkene(OneCoinDawidSkene.Settings.defaults());
      case "glad" -> new Glad(Glad.Settings.defaults());
      case "mace" -> new Mace(Mace.Settings.defaults());
      default -> throw new IllegalArgumentException(
          "Invalid value '" + name + "' for option '--method': expected one of " + NAMES);
    };
  }
}
