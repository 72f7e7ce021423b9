package io.annolake.common.compose;

import io.annolake.common.config.AnnolakeConfig;
import io.annolake.common.config.ConfigException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The compose job's settings, read and validated up front from {@code annolake.compose}: one {@link
 * Pipeline} per configured project. Every problem is a {@link ConfigException} (exit 2) naming the
 * key, e.g. {@code annolake.compose.pipelines."p1".verifies."verification"}.
 *
 * @param pipelines by project id
 */
public record ComposeSettings(Map<String, Pipeline> pipelines) {
  private static final String P = "annolake.compose.";
  private static final String STEPS = "steps";
  private static final String VERIFIES = "verifies";
  private static final String ACCEPT = "accept-labels";
  private static final String REJECT = "reject-labels";
  private static final Set<String> ENTRY_KEYS = Set.of(STEPS, VERIFIES, ACCEPT, REJECT);

  public ComposeSettings {
    pipelines = java.util.Collections.unmodifiableMap(new TreeMap<>(pipelines));
  }

  public static ComposeSettings from(AnnolakeConfig config) {
    return parse(
        config.tree(P + "pipelines"),
        config.stringList(P + "accept-labels"),
        config.stringList(P + "reject-labels"));
  }

  /**
   * Parses and checks the pipelines subtree (as {@link AnnolakeConfig#tree} gives it) with the
   * default accept and reject labels.
   */
  public static ComposeSettings parse(
      Map<String, Object> pipelines, List<String> accept, List<String> reject) {
    List<String> defaultAccept = labels(accept, P + ACCEPT);
    List<String> defaultReject = labels(reject, P + REJECT);
    disjoint(defaultAccept, defaultReject, P + REJECT);
    Map<String, Pipeline> out = new TreeMap<>();
    pipelines.forEach(
        (project, entry) ->
            out.put(project, pipeline(project, entry, defaultAccept, defaultReject)));
    return new ComposeSettings(out);
  }

  /** The project's pipeline, or null when it has none. */
  public Pipeline pipeline(String project) {
    return pipelines.get(project);
  }

  public Collection<Pipeline> all() {
    return pipelines.values();
  }

  private static Pipeline pipeline(
      String project, Object entry, List<String> defaultAccept, List<String> defaultReject) {
    String key = P + "pipelines.\"" + project + "\"";
    if (!(entry instanceof Map<?, ?> map)) {
      throw invalid(key, entry, "expected an object such as { steps = [\"a\", \"b\"] }");
    }
    for (Object k : map.keySet()) {
      if (!ENTRY_KEYS.contains(k)) {
        throw new ConfigException(
            "Unknown configuration key '"
                + key
                + "."
                + k
                + "': a pipeline takes "
                + new java.util.TreeSet<>(ENTRY_KEYS));
      }
    }
    List<String> steps = steps(map.get(STEPS), key + "." + STEPS);
    Map<String, String> verifies = verifies(map.get(VERIFIES), key + "." + VERIFIES, steps);
    List<String> accept =
        map.containsKey(ACCEPT) ? labels(map.get(ACCEPT), key + "." + ACCEPT) : defaultAccept;
    List<String> reject =
        map.containsKey(REJECT) ? labels(map.get(REJECT), key + "." + REJECT) : defaultReject;
    disjoint(accept, reject, key + "." + (map.containsKey(REJECT) ? REJECT : ACCEPT));
    return new Pipeline(project, steps, verifies, accept, reject);
  }

  private static List<String> steps(Object value, String key) {
    if (value == null) {
      throw new ConfigException(
          "Missing configuration key '" + key + "': a pipeline lists its steps in order");
    }
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw invalid(key, value, "expected a non-empty list of step names");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (Object step : list) {
      if (!(step instanceof String s) || s.isBlank()) {
        throw invalid(key, value, "step names must be non-blank strings");
      }
      if (!seen.add(s)) {
        throw invalid(key, value, "step '" + s + "' is listed twice");
      }
    }
    return List.copyOf(seen);
  }

  /**
   * Verification step -> verified step; both must be steps of the pipeline, no step verifies
   * itself, the relation has no cycle, and each verification step comes after the step it verifies.
   */
  private static Map<String, String> verifies(Object value, String key, List<String> steps) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw invalid(key, value, "expected an object { <verification step> = <verified step> }");
    }
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach(
        (k, v) -> {
          String verifier = String.valueOf(k);
          String entryKey = key + ".\"" + verifier + "\"";
          if (!steps.contains(verifier)) {
            throw invalid(entryKey, verifier, "unknown step: not in steps " + steps);
          }
          if (!(v instanceof String verified) || !steps.contains(verified)) {
            throw invalid(entryKey, v, "unknown step: not in steps " + steps);
          }
          if (verified.equals(verifier)) {
            throw invalid(entryKey, v, "a step cannot verify itself");
          }
          out.put(verifier, verified);
        });
    for (String start : out.keySet()) {
      List<String> path = new ArrayList<>(List.of(start));
      String next = out.get(start);
      while (next != null && !path.contains(next)) {
        path.add(next);
        next = out.get(next);
      }
      if (start.equals(next)) {
        path.add(next);
        throw invalid(key, value, "a cycle: " + String.join(" verifies ", path));
      }
    }
    out.forEach(
        (verifier, verified) -> {
          if (steps.indexOf(verified) > steps.indexOf(verifier)) {
            throw invalid(
                key + ".\"" + verifier + "\"",
                verified,
                "a verification step comes after the step it verifies in steps " + steps);
          }
        });
    return out;
  }

  private static List<String> labels(Object value, String key) {
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw invalid(key, value, "expected a non-empty list of labels");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object label : list) {
      if (!(label instanceof String s) || s.isBlank()) {
        throw invalid(key, value, "labels must be non-blank strings");
      }
      out.add(s.trim().toLowerCase(Locale.ROOT));
    }
    return List.copyOf(out);
  }

  private static void disjoint(List<String> accept, List<String> reject, String key) {
    for (String label : reject) {
      if (accept.contains(label)) {
        throw invalid(key, reject, "label '" + label + "' cannot both accept and reject");
      }
    }
  }

  private static ConfigException invalid(String key, Object value, String why) {
    return new ConfigException("Invalid value '" + value + "' for key '" + key + "': " + why);
  }
}
