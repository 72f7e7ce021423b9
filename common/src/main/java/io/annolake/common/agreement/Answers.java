package io.annolake.common.agreement;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.annolake.common.config.ConfigException;
import io.annolake.common.schema.RecordKind;
import java.io.IOException;
import java.io.Reader;
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
  private final Map<String, Skipped> skipped = new LinkedHashMap<>();

  public Answers add(String item, String worker, String label) {
    byItem.computeIfAbsent(item, i -> new LinkedHashMap<>()).put(worker, label);
    labels.add(label);
    rows++;
    return this;
  }

  /**
   * Reads a CSV with a header naming item_id, worker_id and label (or the aliases item, worker,
   * answer, ...); other columns are ignored; RFC 4180 quoting (a quoted field may hold commas,
   * quotes and line breaks), any line ending, a byte-order mark. A row without item, worker or
   * label (a blank label is a missing value) or with too few fields is skipped and counted by
   * reason ({@link #skipped()}).
   */
  public static Answers readCsv(Path file) throws IOException {
    CsvParserSettings settings = new CsvParserSettings();
    settings.setLineSeparatorDetectionEnabled(true);
    settings.setMaxCharsPerColumn(-1);
    settings.setNullValue("");
    settings.setEmptyValue("");
    CsvParser parser = new CsvParser(settings);
    Answers answers = new Answers();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      parser.beginParsing(in);
      String[] header = parser.parseNext();
      if (header == null) {
        throw new ConfigException(
            "Invalid value '" + file + "' for option '--input-csv': the file is empty");
      }
      int item = -1;
      int worker = -1;
      int label = -1;
      for (int i = 0; i < header.length; i++) {
        String canonical = RecordKind.ANNOTATIONS.canonical(header[i].replace("\uFEFF", ""));
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
            "Invalid value '"
                + file
                + "' for option '--input-csv': the header "
                + List.of(header)
                + " must name item_id (or item), worker_id (or worker) and label");
      }
      int need = Math.max(item, Math.max(worker, label));
      String[] row;
      while ((row = parser.parseNext()) != null) {
        long line = parser.getContext().currentLine();
        if (row.length <= need) {
          answers.skip("too few fields", line);
        } else if (row[item].isBlank()) {
          answers.skip("no item_id", line);
        } else if (row[worker].isBlank()) {
          answers.skip("no worker_id", line);
        } else if (row[label].isBlank()) {
          answers.skip("no label (a missing value)", line);
        } else {
          answers.add(row[item], row[worker], row[label].trim());
        }
      }
    } catch (TextParsingException e) {
      throw new ConfigException(
          "Invalid value '"
              + file
              + "' for option '--input-csv': not readable as CSV at line "
              + e.getLineIndex()
              + ": "
              + e.getMessage().lines().findFirst().orElse(""));
    } finally {
      parser.stopParsing();
    }
    return answers;
  }

  /** Rows of a file left out, by reason: how many and the first one's line. */
  public record Skipped(long rows, long firstLine) {}

  private void skip(String reason, long line) {
    skipped.merge(reason, new Skipped(1, line), (a, b) -> new Skipped(a.rows() + 1, a.firstLine()));
  }

  /** Rows {@link #readCsv} left out, by reason, in the order first met. */
  public Map<String, Skipped> skipped() {
    return java.util.Collections.unmodifiableMap(skipped);
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
          long[][] t =
              tables.computeIfAbsent(
                  List.of(list.get(a).getKey(), list.get(b).getKey()), x -> new long[k][k]);
          t[categories.indexOf(list.get(a).getValue())][
              categories.indexOf(list.get(b).getValue())]++;
        }
      }
    }
    tables
        .values()
        .removeIf(
            t ->
                java.util.Arrays.stream(t).flatMapToLong(java.util.Arrays::stream).sum()
                    < minOverlap);
    return tables;
  }
}
