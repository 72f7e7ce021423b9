package io.annolake.common.anomaly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One anomaly flag as the pure detectors return it: what was seen (code and entity), how urgent,
 * how far from normal (score, larger = further), and the evidence behind it.
 */
public record Flag(
    String entityId,
    String projectId,
    String step,
    AnomalyCode code,
    Severity severity,
    double score,
    Map<String, Object> evidence) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public Flag {
    evidence = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
  }

  public EntityType entityType() {
    return code.entity();
  }

  /** The evidence as a JSON object (key order kept). */
  public String evidenceJson() {
    try {
      return JSON.writeValueAsString(evidence);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write evidence of " + code + " as JSON", e);
    }
  }
}
