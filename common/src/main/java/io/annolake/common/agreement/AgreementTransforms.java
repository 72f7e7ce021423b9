package io.annolake.common.agreement;

import static io.annolake.common.aggregation.spark.InternalRows.utf8;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.xxhash64;

import io.annolake.common.aggregation.spark.InternalRows;
import io.annolake.common.agreement.AnswerCodes.Group;
import io.annolake.common.collect.LongList;
import java.io.Serializable;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The Spark side of agreement: answers -> one {@link ItemAnswers} per unit (each worker's latest
 * answer) -> per-slice sufficient statistics folded in one pass, per-item, per-pair and per-worker
 * tables.
 *
 * <p>Why it is shaped this way (10^7 answers on 2 cores): the answers are scanned once and stay
 * Spark's internal rows through the one shuffle that brings a unit's answers together (sorted by
 * one long, a hash of group and item, which Spark radix-sorts); each partition codes its strings in
 * local dictionaries ({@link UnitBlock}, cached), merged on the driver into {@link AnswerCodes},
 * and every output is a pass over the cached blocks. Nothing per answer reaches the driver: only
 * the dictionaries, per-slice states, per-worker counts and a few contested units.
 */
public final class AgreementTransforms {
  private AgreementTransforms() {}

  /** A slice: project_id, step, guideline_version, day (null where not sliced by). */
  public record SliceKey(String project, String step, String guidelineVersion, String day)
      implements Serializable {
    Object[] columns() {
      return new Object[] {project, step, guidelineVersion, day == null ? null : Date.valueOf(day)};
    }
  }

  /**
   * The answers the coefficients use, with only the columns they need: project_id, step,
   * guideline_version and day (null where not sliced by), item_id, worker_id, label, and
   * submitted_at as microseconds. Rows without label, item or worker are left out.
   */
  public static Dataset<Row> answers(Dataset<Row> annotations, AgreementSettings settings) {
    Column version =
        settings.slicedBy("guideline_version")
            ? col("guideline_version")
            : lit(null).cast("string");
    Column day =
        settings.slicedBy("day")
            ? date_format(col("submitted_at"), "yyyy-MM-dd")
            : lit(null).cast("string");
    return annotations
        .where(
            col("label")
                .isNotNull()
                .and(col("item_id").isNotNull())
                .and(col("worker_id").isNotNull()))
        .select(
            col("project_id"),
            col("step"),
            version.as("guideline_version"),
            day.as("day"),
            col("item_id"),
            col("worker_id"),
            col("label"),
            unix_micros(col("submitted_at")).as("submitted_us"));
  }

  /**
   * The units, one {@link UnitBlock} per partition (cache it): one scan of the answers and one
   * shuffle by a 64-bit hash of (project, step, item), sorted by that hash alone (Spark radix-sorts
   * one long). An item's units (one per guideline version and day) land together, and so does its
   * consensus label when {@code consensus} (consensus_labels, or null) has a final one (any
   * decision but PENDING): a row without a worker, so each answer is compared with it where it is
   * built, with no join. Rows stay Spark's internal rows from the scan to the blocks; worker and
   * label strings are coded per partition, so no pass over the answers is needed to build
   * dictionaries first.
   */
  public static JavaRDD<UnitBlock> unitBlocks(Dataset<Row> answers, Dataset<Row> consensus) {
    Column k = xxhash64(col("project_id"), col("step"), col("item_id")).as("k");
    Dataset<Row> rows =
        answers.select(
            k,
            col("project_id"),
            col("step"),
            col("guideline_version"),
            col("day"),
            col("item_id"),
            col("worker_id"),
            col("label"),
            col("submitted_us"));
    if (consensus != null) {
      rows =
          rows.union(
              consensus
                  .where(col("label").isNotNull().and(col("decision").notEqual("PENDING")))
                  .select(
                      k,
                      col("project_id"),
                      col("step"),
                      lit(null).cast("string"),
                      lit(null).cast("string"),
                      col("item_id"),
                      lit(null).cast("string"),
                      col("label"),
                      lit(null).cast("long")));
    }
    return rows.repartition(col("k"))
        .sortWithinPartitions(col("k"))
        .queryExecution()
        .toRdd()
        .toJavaRDD()
        .mapPartitionsWithIndex((p, it) -> List.of(UnitBlock.build(p, it)).iterator(), true);
  }

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
    List<Row> schemaRows =
        schemas == null
            ? List.of()
            : schemas.select("project_id", "step", "guideline_version", "labels").collectAsList();
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
  static List<String> schemaOrder(SliceKey slice, List<Row> schemas) {
    List<String> best = null;
    int bestScore = -1;
    for (Row s : schemas) {
      if (!slice.project().equals(s.getString(0)) || s.isNullAt(3)) {
        continue;
      }
      boolean stepMatches = slice.step() == null || slice.step().equals(s.getString(1));
      boolean versionMatches =
          slice.guidelineVersion() == null || slice.guidelineVersion().equals(s.getString(2));
      int score = (stepMatches ? 2 : 0) + (versionMatches ? 1 : 0);
      if (score > bestScore) {
        best = s.getList(3);
        bestScore = score;
      }
    }
    return best;
  }

  /**
   * What one pass over the units gives: per slice its state (estimate plus Poisson bootstrap
   * replicates), the per-worker counts worker_agreement is made of ({@link #workerRows}), and the
   * most contested units as item_agreement rows.
   */
  public record Fold(
      Map<SliceKey, PoissonBootstrap> states,
      SortedMap<Long, long[]> workerCounts,
      List<Row> contested) {}

  /**
   * Folds the units in one pass: partitions fold locally into a small {@link Partial} (states,
   * per-worker counts, their top contested units) and the partials are merged on the driver. Per
   * worker (items with at least two workers): the share of the other workers on the same items who
   * gave the same label; the counts are dictionary sized, so they need no shuffle.
   *
   * @param contested how many of the most contested units to keep
   */
  public static Fold fold(
      JavaRDD<ItemAnswers> items,
      Broadcast<Coding> coding,
      AgreementSettings settings,
      int contested) {
    Coding c0 = coding.value();
    if (c0.codes().groups() == 0) {
      return new Fold(Map.of(), new TreeMap<>(), List.of());
    }
    int resamples = settings.resamples();
    long seed = settings.seed();
    Partial folded =
        items
            .mapPartitions(
                (Iterator<ItemAnswers> it) -> {
                  Partial p = new Partial(coding.value().codes().slices(), contested);
                  while (it.hasNext()) {
                    p.add(it.next(), coding.value(), resamples, seed);
                  }
                  return List.of(p).iterator();
                })
            .collect() // merged in partition order, not as tasks finish: sums of doubles repeat run
            // to run
            .stream()
            .reduce(Partial::merge)
            .orElseThrow();
    AnswerCodes codes = c0.codes();
    Map<SliceKey, PoissonBootstrap> states = new HashMap<>();
    for (int s = 0; s < folded.states.length; s++) {
      if (folded.states[s] != null) {
        states.put(codes.sliceKey(s), folded.states[s]);
      }
    }
    List<Row> top = new ArrayList<>(folded.contested);
    top.sort(new Contested());
    return new Fold(states, new TreeMap<>(folded.workers), top);
  }

  /**
   * The worker_agreement rows of a fold. Per worker and slice: units shared with other workers and
   * the share of co-raters who gave the same label (null without such a unit); with {@code
   * withConsensus} (consensus_labels was read), units whose item has a final consensus label and
   * the share of the worker's answers equal to it (null without such a unit), else both null.
   */
  public static List<Row> workerRows(Fold fold, AnswerCodes codes, boolean withConsensus) {
    List<Row> rows = new ArrayList<>(fold.workerCounts().size());
    long perSlice = Math.max(1, codes.workers());
    fold.workerCounts()
        .forEach(
            (k, n) -> {
              Object[] slice = codes.sliceColumns((int) (k / perSlice));
              rows.add(
                  RowFactory.create(
                      slice[0],
                      slice[1],
                      slice[2],
                      slice[3],
                      codes.workerId((int) (k % perSlice)),
                      n[0],
                      n[1],
                      n[1] == 0 ? null : (double) n[2] / n[1],
                      withConsensus ? n[3] : null,
                      !withConsensus || n[3] == 0 ? null : (double) n[4] / n[3]));
            });
    return rows;
  }

  /** One partition's share of a {@link Fold}; partials of disjoint units merge by addition. */
  private static final class Partial implements Serializable {
    private final PoissonBootstrap[] states;

    /**
     * (slice * workers + worker) -> {items with co-raters, co-raters, co-raters with the same
     * label, items with a consensus label, answers equal to it}. Not slice << 32 | worker:
     * Long.hashCode would be slice ^ worker, and its collisions turn the map's bins into trees.
     */
    private final HashMap<Long, long[]> workers = new HashMap<>();

    /** The most contested units seen, least contested at the head. */
    private final java.util.PriorityQueue<Row> contested;

    private final int keep;

    /** Made on first use by the partition that folds (the merged partial only offers rows). */
    private transient ItemRows itemRows;

    private transient scala.Function1<Object, Object> toRow;

    Partial(int slices, int keep) {
      this.states = new PoissonBootstrap[slices];
      this.keep = keep;
      this.contested =
          new java.util.PriorityQueue<>(
              Math.max(1, keep), java.util.Collections.reverseOrder(new Contested()));
    }

    void add(ItemAnswers i, Coding c, int resamples, long seed) {
      AnswerCodes codes = c.codes();
      int s = codes.slice(i.group());
      int[] w = i.workers();
      int[] l = i.labels();
      int[] values = new int[l.length];
      for (int v = 0; v < values.length; v++) {
        values[v] = c.category(i.group(), l[v]);
      }
      if (states[s] == null) {
        states[s] = new PoissonBootstrap(c.categories[s].size(), resamples, seed);
      }
      ItemCounts counts = ItemCounts.ofValues(values);
      states[s].add(
          resamples > 0 ? bootstrapKey(codes.group(i.group()), i.itemId()) : null, counts);
      byte[] v = i.vsConsensus();
      for (int x = 0; x < w.length; x++) {
        boolean judged = v != null && v[x] >= 0;
        if (w.length < 2 && !judged) {
          continue;
        }
        long[] n = workers.computeIfAbsent((long) s * codes.workers() + w[x], k -> new long[5]);
        if (w.length >= 2) {
          long same = -1;
          for (int y = 0; y < w.length; y++) {
            same += l[y] == l[x] ? 1 : 0;
          }
          n[0]++;
          n[1] += w.length - 1;
          n[2] += same;
        }
        if (judged) {
          n[3]++;
          n[4] += v[x];
        }
      }
      if (keep > 0
          && (contested.size() < keep
              || mayBeMoreContested(ItemStats.of(counts), contested.peek()))) {
        if (itemRows == null) {
          itemRows = new ItemRows(codes);
          toRow = CatalystTypeConverters.createToScalaConverter(AgreementTables.ITEM_AGREEMENT);
        }
        offer((Row) toRow.apply(itemRows.row(i)));
      }
    }

    /**
     * The key an item's Poisson weights are drawn from (built only when there are replicates to
     * weigh).
     */
    private static String bootstrapKey(Group g, String itemId) {
      return g.project() + '\u0000' + g.step() + '\u0000' + itemId;
    }

    /** A cheap test before the row is built: entropy and top share do not depend on the coding. */
    private static boolean mayBeMoreContested(ItemStats s, Row least) {
      double e = s.entropy();
      double leastEntropy = least.getDouble(9);
      return e > leastEntropy - 1e-9
          && (e > leastEntropy + 1e-9 || s.topLabelShare() <= least.getDouble(8) + 1e-9);
    }

    private void offer(Row row) {
      contested.add(row);
      if (contested.size() > keep) {
        contested.poll();
      }
    }

    Partial merge(Partial other) {
      for (int s = 0; s < states.length; s++) {
        states[s] =
            states[s] == null
                ? other.states[s]
                : other.states[s] == null ? states[s] : states[s].merge(other.states[s]);
      }
      other.workers.forEach(
          (k, n) -> {
            long[] mine = workers.computeIfAbsent(k, x -> new long[5]);
            for (int j = 0; j < mine.length; j++) {
              mine[j] += n[j];
            }
          });
      for (Row r : other.contested) {
        offer(r);
      }
      return this;
    }
  }

  /** One agreement_summary row per slice and coefficient, computed or not. */
  public static List<Row> summaryRows(
      Map<SliceKey, PoissonBootstrap> states,
      Map<SliceKey, Categories> categories,
      AgreementSettings settings) {
    List<Row> rows = new ArrayList<>();
    states.forEach(
        (slice, state) -> {
          Categories cats = categories.get(slice);
          for (Coefficient c :
              AgreementReport.compute(state, cats, settings.levels(), settings.confidence())) {
            List<Object> v = new ArrayList<>(Arrays.asList(slice.columns()));
            boolean interval = !Double.isNaN(c.ciLower());
            v.addAll(
                Arrays.asList(
                    c.metric(),
                    c.level().cliName(),
                    orNull(c.value()),
                    orNull(c.standardError()),
                    orNull(c.ciLower()),
                    orNull(c.ciUpper()),
                    interval ? settings.confidence() : null,
                    interval ? state.replicates() : 0,
                    c.items(),
                    c.annotations(),
                    cats.size(),
                    c.status().name(),
                    c.error(),
                    c.note()));
            rows.add(RowFactory.create(v.toArray()));
          }
        });
    return rows;
  }

  /** The summary rows as a DataFrame. */
  public static Dataset<Row> summary(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, AgreementTables.SUMMARY);
  }

  /**
   * Per item: annotations, distinct labels, top label and its share, entropy, percent agreement.
   */
  public static Dataset<Row> itemAgreement(JavaRDD<ItemAnswers> items, Broadcast<Coding> coding) {
    JavaRDD<InternalRow> rows =
        items.mapPartitions(
            it -> {
              ItemRows make = new ItemRows(coding.value().codes());
              return new Iterator<InternalRow>() {
                @Override
                public boolean hasNext() {
                  return it.hasNext();
                }

                @Override
                public InternalRow next() {
                  return make.row(it.next());
                }
              };
            });
    // millions of rows: internal rows go to the writer with no conversion
    return SparkSession.active()
        .internalCreateDataFrame(rows.rdd(), AgreementTables.ITEM_AGREEMENT, false);
  }

  /** Orders item_agreement rows most contested first. */
  private static final class Contested implements Comparator<Row>, Serializable {
    @Override
    public int compare(Row a, Row b) {
      int c = Double.compare(b.getDouble(9), a.getDouble(9));
      if (c == 0) {
        c = Double.compare(a.getDouble(8), b.getDouble(8));
      }
      if (c == 0) {
        c = a.getString(4).compareTo(b.getString(4));
      }
      for (int i = 0; c == 0 && i < 4; i++) {
        c =
            Objects.compare(
                String.valueOf(a.get(i)), String.valueOf(b.get(i)), Comparator.naturalOrder());
      }
      return c;
    }
  }

  /**
   * item_agreement rows as Spark internal rows, each group's columns and labels encoded once. Label
   * codes follow string order, so the stats (and their ties) are those of the labels sorted as
   * strings.
   */
  private static final class ItemRows {
    private final Object[][] groups;
    private final UTF8String[][] labels;

    ItemRows(AnswerCodes codes) {
      groups = new Object[codes.groups()][];
      labels = new UTF8String[codes.groups()][];
      for (int g = 0; g < groups.length; g++) {
        Group x = codes.group(g);
        Integer day =
            x.day() == null ? null : (int) java.time.LocalDate.parse(x.day()).toEpochDay();
        groups[g] =
            new Object[] {utf8(x.project()), utf8(x.step()), utf8(x.guidelineVersion()), day};
        labels[g] = new UTF8String[codes.labels(g)];
        for (int l = 0; l < labels[g].length; l++) {
          labels[g][l] = utf8(codes.label(g, l));
        }
      }
    }

    InternalRow row(ItemAnswers i) {
      ItemStats s = ItemStats.of(ItemCounts.ofValues(i.labels()));
      Object[] g = groups[i.group()];
      return InternalRows.of(
          g[0],
          g[1],
          g[2],
          g[3],
          utf8(i.itemId()),
          s.annotations(),
          s.distinctLabels(),
          s.topLabel() < 0 ? null : labels[i.group()][s.topLabel()],
          orNull(s.topLabelShare()),
          orNull(s.entropy()),
          orNull(s.percentAgreement()));
    }
  }

  private static final StructType PAIR_CELLS =
      new StructType()
          .add("k", DataTypes.LongType, false)
          .add("s", DataTypes.IntegerType, false)
          .add("a", DataTypes.IntegerType, false)
          .add("b", DataTypes.IntegerType, false)
          .add("la", DataTypes.IntegerType, false)
          .add("lb", DataTypes.IntegerType, false);

  /**
   * Cohen's kappa of every worker pair sharing at least {@code minOverlap} items in a slice. Cost
   * is quadratic in the workers of an item (pairs), linear in items. The key k packs (slice, worker
   * a, worker b) into one long; pairs are counted first on bare keys ({@link #qualifyingPairs}), so
   * the one shuffle of rows, one per pair and shared item, sorted by k (Spark radix-sorts one
   * long), carries only the pairs that will be written. When slices x workers^2 do not fit a long,
   * every pair's rows are shuffled, sorted by the three ints, and the small pairs dropped after.
   */
  public static Dataset<Row> workerPairs(
      JavaRDD<ItemAnswers> items, Broadcast<Coding> coding, AgreementSettings settings) {
    AnswerCodes codes = coding.value().codes();
    long workers = Math.max(1, codes.workers());
    boolean packs = codes.slices() <= Long.MAX_VALUE / workers / workers;
    return workerPairs(
        items, coding, settings.minPairOverlap(), packs ? PairKeys.PACKED : PairKeys.UNPACKED);
  }

  /**
   * How worker pairs are keyed: one packed long, or (slice, a, b) when that does not fit a long.
   */
  enum PairKeys {
    PACKED,
    UNPACKED
  }

  static Dataset<Row> workerPairs(
      JavaRDD<ItemAnswers> items, Broadcast<Coding> coding, int minOverlap, PairKeys keys) {
    SparkSession spark = SparkSession.active();
    boolean packs = keys == PairKeys.PACKED;
    long workers = Math.max(1, coding.value().codes().workers());
    // left to Spark's cleaner: the rows are read lazily, by the caller's write
    Broadcast<long[]> kept =
        packs ? broadcast(spark, qualifyingPairs(items, coding, workers, minOverlap)) : null;
    JavaRDD<InternalRow> cells =
        items.mapPartitions(
            it -> new PairCells(it, coding.value(), workers, packs ? kept.value() : null));
    Dataset<Row> shuffled =
        spark
            .internalCreateDataFrame(cells.rdd(), PAIR_CELLS, false)
            .repartition(col("s"), col("a"), col("b"));
    // one long key is radix-sorted; three ints need comparisons
    Dataset<Row> sorted =
        packs ? shuffled.sortWithinPartitions("k") : shuffled.sortWithinPartitions("s", "a", "b");
    JavaRDD<Row> pairs =
        sorted
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitions(rows -> new Pairs(rows, coding.value(), minOverlap));
    return spark.createDataFrame(pairs, AgreementTables.WORKER_PAIR_AGREEMENT);
  }

  /**
   * The packed keys of the pairs sharing at least {@code minOverlap} units, sorted: each partition
   * buckets its bare pair keys by hash, one long[] per bucket, and each bucket's keys are sorted
   * and counted in runs (a long per pair and unit crosses the shuffle, no row).
   */
  static long[] qualifyingPairs(
      JavaRDD<ItemAnswers> items, Broadcast<Coding> coding, long workers, int minOverlap) {
    int buckets = Math.max(1, items.getNumPartitions());
    List<long[]> kept =
        items
            .mapPartitionsToPair(
                (Iterator<ItemAnswers> it) -> {
                  Coding c = coding.value();
                  LongList[] keys = new LongList[buckets];
                  for (int b = 0; b < buckets; b++) {
                    keys[b] = new LongList();
                  }
                  while (it.hasNext()) {
                    ItemAnswers i = it.next();
                    long s = c.codes().slice(i.group());
                    int[] w = i.workers();
                    for (int a = 0; a < w.length; a++) {
                      for (int b = a + 1; b < w.length; b++) {
                        long k = pairKey(s, w[a], w[b], workers);
                        keys[bucket(k, buckets)].add(k);
                      }
                    }
                  }
                  List<scala.Tuple2<Integer, long[]>> out = new ArrayList<>(buckets);
                  for (int b = 0; b < buckets; b++) {
                    out.add(new scala.Tuple2<>(b, keys[b].toArray()));
                  }
                  return out.iterator();
                })
            .partitionBy(new org.apache.spark.HashPartitioner(buckets))
            .mapPartitions(parts -> List.of(keysAtLeast(parts, minOverlap)).iterator())
            .collect();
    long[] all = kept.stream().flatMapToLong(Arrays::stream).toArray();
    Arrays.sort(all);
    return all;
  }

  /** The keys occurring at least {@code minOverlap} times in the arrays, once each, sorted. */
  static long[] keysAtLeast(Iterator<scala.Tuple2<Integer, long[]>> parts, int minOverlap) {
    LongList all = new LongList();
    while (parts.hasNext()) {
      all.addAll(parts.next()._2());
    }
    long[] keys = all.toArray();
    Arrays.sort(keys);
    LongList out = new LongList();
    for (int i = 0, j; i < keys.length; i = j) {
      for (j = i + 1; j < keys.length && keys[j] == keys[i]; j++) {}
      if (j - i >= minOverlap) {
        out.add(keys[i]);
      }
    }
    return out.toArray();
  }

  /**
   * (slice, worker a, worker b) packed into one long: the one key the counting and the cells share.
   */
  private static long pairKey(long slice, int a, int b, long workers) {
    return (slice * workers + a) * workers + b;
  }

  /** A pair key's bucket: a hash that mixes the low bits (workers b) with the high ones. */
  private static int bucket(long k, int buckets) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) Math.floorMod(h ^ (h >>> 32), (long) buckets);
  }

  /**
   * The cells of one partition's units, lazily: (k, slice, worker a, worker b, category of a,
   * category of b) per pair and shared unit; with packed keys only the pairs in {@code wanted}. One
   * iterator per partition, not per unit: most units have no qualifying pair.
   */
  private static final class PairCells implements Iterator<InternalRow> {
    private final Iterator<ItemAnswers> items;
    private final Coding coding;
    private final long workers;
    private final long[] wanted;
    private ItemAnswers unit;
    private int slice;

    /** The next pair of the unit to look at: its workers' positions, a < b. */
    private int a;

    private int b;
    private InternalRow ready;

    /**
     * @param wanted the packed keys to emit, sorted; null: every pair, unpacked (k = 0)
     */
    PairCells(Iterator<ItemAnswers> items, Coding coding, long workers, long[] wanted) {
      this.items = items;
      this.coding = coding;
      this.workers = workers;
      this.wanted = wanted;
    }

    @Override
    public boolean hasNext() {
      while (ready == null) {
        if (unit == null || a >= unit.workers().length - 1) {
          if (!items.hasNext()) {
            return false;
          }
          unit = items.next();
          slice = coding.codes().slice(unit.group());
          a = 0;
          b = 1;
          continue;
        }
        int[] w = unit.workers();
        int x = a;
        int y = b;
        if (++b == w.length) {
          a++;
          b = a + 1;
        }
        long k = wanted == null ? 0 : pairKey(slice, w[x], w[y], workers);
        if (wanted == null || Arrays.binarySearch(wanted, k) >= 0) {
          int g = unit.group();
          int[] l = unit.labels();
          ready =
              InternalRows.of(
                  k, slice, w[x], w[y], coding.category(g, l[x]), coding.category(g, l[y]));
        }
      }
      return true;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      InternalRow r = ready;
      ready = null;
      return r;
    }
  }

  /**
   * Streams the cells of pairs sorted by (slice, worker a, worker b) into one row per pair with
   * enough overlap.
   */
  private static final class Pairs implements Iterator<Row> {
    private final Iterator<InternalRow> rows;
    private final Coding coding;
    private final int minOverlap;
    private InternalRow pending;
    private Row ready;

    /** The current pair's cells: the two workers' categories on each shared unit. */
    private int[] first = new int[64];

    private int[] second = new int[64];
    private int cells;

    Pairs(Iterator<InternalRow> rows, Coding coding, int minOverlap) {
      this.rows = rows;
      this.coding = coding;
      this.minOverlap = minOverlap;
      this.pending = rows.hasNext() ? rows.next() : null;
    }

    @Override
    public boolean hasNext() {
      while (ready == null && pending != null) {
        int s = pending.getInt(1);
        int a = pending.getInt(2);
        int b = pending.getInt(3);
        cells = 0;
        while (pending != null
            && pending.getInt(1) == s
            && pending.getInt(2) == a
            && pending.getInt(3) == b) {
          if (cells == first.length) {
            first = Arrays.copyOf(first, cells * 2);
            second = Arrays.copyOf(second, cells * 2);
          }
          first[cells] = pending.getInt(4);
          second[cells++] = pending.getInt(5);
          pending = rows.hasNext() ? rows.next() : null;
        }
        if (cells >= minOverlap) {
          ready = pairRow(s, a, b);
        }
      }
      return ready != null;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = ready;
      ready = null;
      return r;
    }

    /** The pair's table over the labels it used, in string order (as the labels' own order). */
    private Row pairRow(int s, int a, int b) {
      int[] rank = coding.stringRank[s];
      TreeSet<Integer> seen = new TreeSet<>(Comparator.comparingInt(c -> rank[c]));
      for (int i = 0; i < cells; i++) {
        seen.add(first[i]);
        seen.add(second[i]);
      }
      Map<Integer, Integer> index = new HashMap<>();
      for (int c : seen) {
        index.put(c, index.size());
      }
      long[][] table = new long[index.size()][index.size()];
      long agree = 0;
      for (int i = 0; i < cells; i++) {
        table[index.get(first[i])][index.get(second[i])]++;
        agree += first[i] == second[i] ? 1 : 0;
      }
      long n = cells;
      Coefficient k = CohenKappa.compute(table);
      Object[] slice = coding.codes().sliceColumns(s);
      return RowFactory.create(
          slice[0],
          slice[1],
          slice[2],
          slice[3],
          coding.codes().workerId(a),
          coding.codes().workerId(b),
          n,
          (double) agree / n,
          orNull(k.value()),
          orNull(k.standardError()),
          k.status().name(),
          k.error());
    }
  }

  /** The worker_agreement rows of a {@link Fold} as a DataFrame. */
  public static Dataset<Row> workerAgreement(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, AgreementTables.WORKER_AGREEMENT);
  }

  /** Broadcasts a value to the executors (the caller destroys it). */
  public static <T> Broadcast<T> broadcast(SparkSession spark, T value) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(value);
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
