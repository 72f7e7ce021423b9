package io.annolake.common.consensus;

import io.annolake.common.aggregation.Aggregator;
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
    StringBuilder json = new StringBuilder("{\"method\":\"").append(aggregator.name()).append('"');
    for (Map.Entry<String, String> e : new TreeMap<>(aggregator.params()).entrySet()) {
      json.append(",\"").append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
    }
    json.append('}');
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.toString().getBytes(StandardCharsets.UTF_8));
      return new ConsensusPolicy.Method(aggregator.name(), HexFormat.of().formatHex(digest).substring(0, 16), json.toString());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
