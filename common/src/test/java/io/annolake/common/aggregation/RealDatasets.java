package io.annolake.common.aggregation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Reads the shared real datasets (answers.csv, truth.csv); skips the test when they are absent. */
public final class RealDatasets {
  private RealDatasets() {}

  public static Path folder(String name) {
    String root = System.getProperty("annolake.shared.data", "../shared/data");
    Path dir = Path.of(root, name);
    Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("answers.csv")), "dataset absent: " + dir);
    return dir;
  }

  public static Answers answers(String name) {
    Answers.Builder b = Answers.builder();
    for (String[] r : rows(folder(name).resolve("answers.csv"))) {
      b.add(r[0], r[1], r[2]);
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
      return Files.readAllLines(file).stream().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",", -1)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
