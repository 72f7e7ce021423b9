package io.annolake.common.agreement;

import io.annolake.common.config.ConfigException;
import io.annolake.common.schema.RecordKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small in-memory answer set (item, worker, label) for quick checks of a file without Spark. One
 * answer per item and worker: a later row replaces an earlier one.
 */
public final class Answers {
  private final Map<String, Map<String, String>> byItem = new LinkedHashMap<>();
  private final Set<String> labels = new LinkedHashSet<>();
  private long rows;

  public Answers add(String item, String worker, String label) {
    byItem.computeIfAbsent(item, i -> new LinkedHashMap<>()).put(worker, label);
    labels.add(label);
    rows++;
    return this;
  }

  /**
   * Reads a CSV with a header naming item_id, worker_id and label (or the aliases item, worker,
   * answer, ...); other columns are ignored, fields may be double-quoted. Blank labels are missing.
   */
  public static Answers readCsv(Path file) throws IOException {
    Answers answers = new Answers();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        throw new ConfigException("Invalid value '" + file + "' for option '--input-csv': the file is empty");
      }
      List<String> names = split(header.replace("\uFEFF", ""));
      int item = -1;
      int worker = -1;
      int label = -1;
      for (int i = 0; i < names.size(); i++) {
        String canonical = RecordKind.ANNOTATIONS.canonical(names.get(i));
        if ("item_id".equals(canonical) && item < 0) {
          item = i;
        } else if ("worker_id".equals(canonical) && worker < 0) {
          worker = i;
        } else if ("label".equals(canonical) && label < 0) {
          label = i;
        }
      }
      if (item < 0 || worker < 0 || label < 0) {
        throw new ConfigException(
            "Invalid value '" + file + "' for option '--input-csv': the header " + names
                + " must name item_id (or item), worker_id (or worker) and label");
      }
      int need = Math.max(item, Math.max(worker, label));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        List<String> f = split(line);
        if (f.size() <= need || f.get(label).isBlank()) {
          continue;
        }
        answers.add(f.get(item), f.get(worker), f.get(label).trim());
      }
    }
    return answers;
  }

  /** Splits one CSV line (RFC 4180 quotes; no newlines inside fields). */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /** Rows read (before one-answer-per-worker deduplication). */
  public long rows() {
    return rows;
  }

  public int items() {
    return byItem.size();
  }

  /** The categories of the labels seen, in natural order. */
  public Categories categories() {
    return Categories.of(labels);
  }

  /** Each item's values as counts over {@code categories}. */
  public Map<String, ItemCounts> counts(Categories categories) {
    Map<String, ItemCounts> out = new LinkedHashMap<>();
    byItem.forEach(
        (item, workers) -> {
          int[] values = workers.values().stream().mapToInt(categories::indexOf).toArray();
          out.put(item, ItemCounts.ofValues(values));
        });
    return out;
  }

  /** The estimate and bootstrap replicates over all items. */
  public PoissonBootstrap state(Categories categories, int replicates, long seed) {
    PoissonBootstrap state = new PoissonBootstrap(categories.size(), replicates, seed);
    counts(categories).forEach(state::add);
    return state;
  }

  /** Contingency tables of every worker pair sharing at least {@code minOverlap} items. */
  public Map<List<String>, long[][]> pairTables(Categories categories, int minOverlap) {
    int k = categories.size();
    Map<List<String>, long[][]> tables = new LinkedHashMap<>();
    for (Map<String, String> workers : byItem.values()) {
      List<Map.Entry<String, String>> list = new ArrayList<>(workers.entrySet());
      list.sort(Map.Entry.comparingByKey());
      for (int a = 0; a < list.size(); a++) {
        for (int b = a + 1; b < list.size(); b++) {
          long[][] t = tables.computeIfAbsent(List.of(list.get(a).getKey(), list.get(b).getKey()), x -> new long[k][k]);
          t[categories.indexOf(list.get(a).getValue())][categories.indexOf(list.get(b).getValue())]++;
        }
      }
    }
    tables.values().removeIf(t -> java.util.Arrays.stream(t).flatMapToLong(java.util.Arrays::stream).sum() < minOverlap);
    return tables;
  }
}
