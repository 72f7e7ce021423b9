package io.annolake.common.agreement;

import io.annolake.common.agreement.AnswerCodes.Group;
import io.annolake.common.schema.rows.LabelSchemaRow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The partitions' dictionaries merged into global codes: which slice and category each answer's
 * label is, and how each partition's local codes map to them (broadcast; dictionary sized).
 */
public final class UnitCoding {
  private UnitCoding() {}

  /**
   * How each partition's local codes map to the global ones (broadcast; small: dictionary sized).
   */
  public static final class Recoding implements Serializable {
    private final int[][] group;
    private final int[][] worker;
    private final int[][][] label;

    Recoding(int[][] group, int[][] worker, int[][][] label) {
      this.group = group;
      this.worker = worker;
      this.label = label;
    }
  }

  /** The global codes and slice categories of grouped units, and how to read the blocks in them. */
  public record Grouped(Coding coding, Recoding recoding) {}

  /**
   * Merges the partitions' dictionaries into sorted global codes (as if collected up front: groups
   * in (project, step, version, day) order, workers and each group's labels in string order) and
   * the categories of each slice from the labels kept answers use.
   *
   * @param schemas the label_schemas table, or null
   */
  public static Grouped grouped(
      List<UnitBlock.Dictionary> dictionaries, AgreementSettings settings, Dataset<Row> schemas) {
    Comparator<String> nullsFirst = Comparator.nullsFirst(Comparator.naturalOrder());
    Map<Group, Set<String>> labels =
        new TreeMap<>(
            Comparator.comparing(Group::project, nullsFirst)
                .thenComparing(Group::step, nullsFirst)
                .thenComparing(Group::guidelineVersion, nullsFirst)
                .thenComparing(Group::day, nullsFirst));
    Set<String> workers = new HashSet<>();
    for (UnitBlock.Dictionary d : dictionaries) {
      for (int g = 0; g < d.groups().length; g++) {
        String[] s = d.groups()[g];
        labels
            .computeIfAbsent(new Group(s[0], s[1], s[2], s[3]), x -> new HashSet<>())
            .addAll(Arrays.asList(d.labels()[g]));
      }
      workers.addAll(Arrays.asList(d.workers()));
    }
    AnswerCodes codes =
        new AnswerCodes(new LinkedHashMap<>(labels), workers, settings.slicedBy("step"));
    int parts =
        dictionaries.stream().mapToInt(UnitBlock.Dictionary::partition).max().orElse(-1) + 1;
    int[][] groupOf = new int[parts][];
    int[][] workerOf = new int[parts][];
    int[][][] labelOf = new int[parts][][];
    boolean[][] used = new boolean[codes.groups()][];
    for (int g = 0; g < used.length; g++) {
      used[g] = new boolean[codes.labels(g)];
    }
    for (UnitBlock.Dictionary d : dictionaries) {
      int p = d.partition();
      groupOf[p] = new int[d.groups().length];
      labelOf[p] = new int[d.groups().length][];
      for (int g = 0; g < d.groups().length; g++) {
        String[] s = d.groups()[g];
        int global = codes.group(s[0], s[1], s[2], s[3]);
        groupOf[p][g] = global;
        labelOf[p][g] = new int[d.labels()[g].length];
        for (int l = 0; l < d.labels()[g].length; l++) {
          labelOf[p][g][l] = codes.label(global, d.labels()[g][l]);
          used[global][labelOf[p][g][l]] |= d.used()[g][l];
        }
      }
      workerOf[p] = new int[d.workers().length];
      for (int w = 0; w < d.workers().length; w++) {
        workerOf[p][w] = codes.worker(d.workers()[w]);
      }
    }
    return new Grouped(coding(codes, used, schemas), new Recoding(groupOf, workerOf, labelOf));
  }

  /**
   * The cached blocks' units in global codes (one {@link ItemAnswers} each, made as they are read).
   */
  public static JavaRDD<ItemAnswers> items(
      JavaRDD<UnitBlock> blocks, Broadcast<Recoding> recoding) {
    return blocks.flatMap(
        b -> {
          Recoding r = recoding.value();
          int p = b.dictionary().partition();
          return b.units(r.group[p], r.worker[p], r.label[p]);
        });
  }

  /**
   * The categories of each slice (the labels its units use, in the label schema's order for ordinal
   * alpha when the project, and step and version when sliced by, has one, else natural order), and
   * how a group's label codes map to them.
   */
  public static final class Coding implements Serializable {
    private final AnswerCodes codes;
    private final Categories[] categories;

    /**
     * Per group: label code -> category index of its slice (-1: a label only superseded answers
     * use).
     */
    private final int[][] categoryOfCode;

    /** Per slice: category index -> rank of its label in string order. */
    private final int[][] stringRank;

    Coding(AnswerCodes codes, Categories[] categories) {
      this.codes = codes;
      this.categories = categories;
      categoryOfCode = new int[codes.groups()][];
      for (int g = 0; g < codes.groups(); g++) {
        Categories c = categories[codes.slice(g)];
        categoryOfCode[g] = new int[codes.labels(g)];
        for (int l = 0; l < categoryOfCode[g].length; l++) {
          categoryOfCode[g][l] = c == null ? -1 : c.indexOf(codes.label(g, l));
        }
      }
      stringRank = new int[categories.length][];
      for (int s = 0; s < categories.length; s++) {
        if (categories[s] == null) {
          continue;
        }
        String[] sorted = categories[s].labels().toArray(String[]::new);
        Arrays.sort(sorted);
        stringRank[s] = new int[sorted.length];
        for (int r = 0; r < sorted.length; r++) {
          stringRank[s][categories[s].indexOf(sorted[r])] = r;
        }
      }
    }

    public AnswerCodes codes() {
      return codes;
    }

    /** Each slice with units and its categories. */
    public Map<SliceKey, Categories> categories() {
      Map<SliceKey, Categories> out = new HashMap<>();
      for (int s = 0; s < categories.length; s++) {
        if (categories[s] != null) {
          out.put(codes.sliceKey(s), categories[s]);
        }
      }
      return out;
    }

    /** The number of categories of a slice. */
    int categoryCount(int slice) {
      return categories[slice].size();
    }

    /** A slice's category index -> rank of its label in string order. */
    int[] stringRank(int slice) {
      return stringRank[slice];
    }

    int category(int group, int labelCode) {
      return categoryOfCode[group][labelCode];
    }
  }

  /**
   * The categories of each slice from the labels its units use, ordered by the best matching label
   * schema.
   *
   * @param used per group and label code, whether a kept answer uses it
   * @param schemas the label_schemas table, or null
   */
  static Coding coding(AnswerCodes codes, boolean[][] used, Dataset<Row> schemas) {
    int groups = codes.groups();
    List<Set<String>> observed = new ArrayList<>();
    for (int s = 0; s < codes.slices(); s++) {
      observed.add(new HashSet<>());
    }
    for (int g = 0; g < groups; g++) {
      for (int l = 0; l < used[g].length; l++) {
        if (used[g][l]) {
          observed.get(codes.slice(g)).add(codes.label(g, l));
        }
      }
    }
    List<LabelSchemaRow> schemaRows =
        schemas == null ? List.of() : LabelSchemaRow.READER.collect(schemas);
    Categories[] categories = new Categories[codes.slices()];
    for (int s = 0; s < categories.length; s++) {
      if (!observed.get(s).isEmpty()) {
        categories[s] = Categories.of(observed.get(s), schemaOrder(codes.sliceKey(s), schemaRows));
      }
    }
    return new Coding(codes, categories);
  }

  /**
   * The label order of the best matching schema: same project, then same step and version if
   * sliced.
   */
  static List<String> schemaOrder(SliceKey slice, List<LabelSchemaRow> schemas) {
    List<String> best = null;
    int bestScore = -1;
    for (LabelSchemaRow s : schemas) {
      if (!slice.project().equals(s.projectId()) || s.labels() == null) {
        continue;
      }
      boolean stepMatches = slice.step() == null || slice.step().equals(s.step());
      boolean versionMatches =
          slice.guidelineVersion() == null || slice.guidelineVersion().equals(s.guidelineVersion());
      int score = (stepMatches ? 2 : 0) + (versionMatches ? 1 : 0);
      if (score > bestScore) {
        best = s.labels();
        bestScore = score;
      }
    }
    return best;
  }
}
