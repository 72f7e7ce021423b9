package io.annolake.common.aggregation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;

/** Reads the shared real datasets (answers.csv, truth.csv); skips the test when they are absent. */
public final class RealDatasets {
  private RealDatasets() {}

  public static Path folder(String name) {
    String root = System.getProperty("annolake.shared.data", "../shared/data");
    Path dir = Path.of(root, name);
    Assumptions.assumeTrue(
        Files.isRegularFile(dir.resolve("answers.csv")), "dataset absent: " + dir);
    return dir;
  }

  public static Answers answers(String name) {
    Answers.Builder b = Answers.builder();
    for (String[] r : rows(folder(name).resolve("answers.csv"))) {
      b.add(r[0], r[1], r[2]);
    }
    return b.build();
  }

  /**
   * A sparse subsample of a dense dataset: per item (in sorted order) its answer rows sorted, then
   * shuffled with {@code SplittableRandom(seed)} (Fisher-Yates from the end), and the first 1 +
   * nextInt(min(answers, maxPerItem)) kept. The same files went to Crowd-Kit for its figures.
   */
  static Answers sparse(String name, long seed, int maxPerItem) {
    TreeMap<String, List<String>> byItem = new TreeMap<>();
    for (String[] r : rows(folder(name).resolve("answers.csv"))) {
      byItem.computeIfAbsent(r[0], x -> new ArrayList<>()).add(String.join(",", r));
    }
    SplittableRandom random = new SplittableRandom(seed);
    Answers.Builder b = Answers.builder();
    for (List<String> lines : byItem.values()) {
      List<String> shuffled = new ArrayList<>(lines);
      shuffled.sort(null);
      for (int i = shuffled.size() - 1; i > 0; i--) {
        Collections.swap(shuffled, i, random.nextInt(i + 1));
      }
      int keep = 1 + random.nextInt(Math.min(shuffled.size(), maxPerItem));
      for (String line : shuffled.subList(0, keep)) {
        String[] r = line.split(",", -1);
        b.add(r[0], r[1], r[2]);
      }
    }
    return b.build();
  }

  public static Map<String, String> truth(String name) {
    Map<String, String> truth = new HashMap<>();
    for (String[] r : rows(folder(name).resolve("truth.csv"))) {
      truth.put(r[0], r[1]);
    }
    return truth;
  }

  public static double accuracy(Map<String, String> labels, Map<String, String> truth) {
    int n = 0;
    int right = 0;
    for (Map.Entry<String, String> e : truth.entrySet()) {
      String label = labels.get(e.getKey());
      if (label != null) {
        n++;
        right += label.equals(e.getValue()) ? 1 : 0;
      }
    }
    return (double) right / n;
  }

  private static List<String[]> rows(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .skip(1)
          .filter(l -> !l.isBlank())
          .map(l -> l.split(",", -1))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
