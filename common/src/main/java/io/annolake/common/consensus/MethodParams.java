package io.annolake.common.consensus;

import io.annolake.common.aggregation.Aggregator;
import io.annolake.common.aggregation.MethodChoice;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** A method's parameters as canonical JSON and a short stable hash of them. */
public final class MethodParams {
  private MethodParams() {}

  public static ConsensusPolicy.Method of(Aggregator aggregator) {
    return of(aggregator, null);
  }

  /**
   * As {@link #of(Aggregator)}, with {@code auto}'s choice (JSON) recorded under "auto" when not
   * null.
   */
  public static ConsensusPolicy.Method of(Aggregator aggregator, MethodChoice.Choice auto) {
    StringBuilder json = new StringBuilder("{");
    if (auto != null) {
      json.append("\"auto\":").append(auto.json()).append(',');
    }
    json.append("\"method\":\"").append(aggregator.name()).append('"');
    for (Map.Entry<String, String> e : new TreeMap<>(aggregator.params()).entrySet()) {
      json.append(",\"").append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
    }
    json.append('}');
    return hashed(aggregator.name(), json.toString());
  }

  /** The run-level record of {@code auto}: its settings (each task's rows carry its own choice). */
  public static ConsensusPolicy.Method auto(String fallback, int minGold) {
    return hashed(
        "auto",
        "{\"fallback\":\"" + fallback + "\",\"method\":\"auto\",\"min_gold\":\"" + minGold + "\"}");
  }

  private static ConsensusPolicy.Method hashed(String name, String json) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
      return new ConsensusPolicy.Method(
          name, HexFormat.of().formatHex(digest).substring(0, 16), json);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
