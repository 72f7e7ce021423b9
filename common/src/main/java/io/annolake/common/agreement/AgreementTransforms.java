package io.annolake.common.agreement;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.xxhash64;

import io.annolake.common.agreement.AnswerCodes.Group;
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
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark side of agreement: answers -> one {@link ItemAnswers} per unit (each worker's latest
 * answer) -> per-slice sufficient statistics folded in one pass, per-item, per-pair and
 * per-worker tables.
 *
 * <p>Why it is shaped this way (10^7 answers on 2 cores): strings become small integer codes once
 * ({@link AnswerCodes}), so the one shuffle that brings an item's answers together moves ints,
 * and is sorted by one long (a hash of group and item, which Spark radix-sorts) rather than by
 * strings; the units are cached once and every output is a pass over them. Nothing per answer
 * reaches the driver: only the codes, per-slice states and small per-partition partial counts.
 */
public final class AgreementTransforms {
  private AgreementTransforms() {}

  /** A slice: project_id, step, guideline_version, day (null where not sliced by). */
  public record SliceKey(String project, String step, String guidelineVersion, String day) implements Serializable {
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
    Column version = settings.slicedBy("guideline_version") ? col("guideline_version") : lit(null).cast("string");
    Column day = settings.slicedBy("day") ? date_format(col("submitted_at"), "yyyy-MM-dd") : lit(null).cast("string");
    return annotations
        .where(col("label").isNotNull().and(col("item_id").isNotNull()).and(col("worker_id").isNotNull()))
        .select(
            col("project_id"), col("step"), version.as("guideline_version"), day.as("day"), col("item_id"),
            col("worker_id"), col("label"), unix_micros(col("submitted_at")).as("submitted_us"));
  }

  /** The codes of the answers' unit groups, workers and labels: one small aggregation, collected. */
  public static AnswerCodes codes(Dataset<Row> answers, AgreementSettings settings) {
    List<Row> rows =
        answers
            .groupBy("project_id", "step", "guideline_version", "day")
            .agg(collect_set("label"), collect_set("worker_id"))
            .collectAsList();
    Comparator<String> nullsFirst = Comparator.nullsFirst(Comparator.naturalOrder());
    Map<Group, List<String>> labels = new java.util.TreeMap<>(
        Comparator.comparing(Group::project, nullsFirst)
            .thenComparing(Group::step, nullsFirst)
            .thenComparing(Group::guidelineVersion, nullsFirst)
            .thenComparing(Group::day, nullsFirst));
    Set<String> workers = new HashSet<>();
    for (Row r : rows) {
      labels.put(new Group(r.getString(0), r.getString(1), r.getString(2), r.getString(3)), r.getList(4));
      workers.addAll(r.getList(5));
    }
    return new AnswerCodes(new LinkedHashMap<>(labels), workers, settings.slicedBy("step"));
  }

  private static final StructType CODED =
      new StructType()
          .add("g", DataTypes.IntegerType, false)
          .add("item_id", DataTypes.StringType, false)
          .add("w", DataTypes.IntegerType, false)
          .add("l", DataTypes.IntegerType, false)
          .add("ts", DataTypes.LongType, true);

  /**
   * One {@link ItemAnswers} per unit, each worker's latest answer (by submitted_at; ties: the
   * larger label; no time is earliest). One shuffle by a 64-bit hash of (group, item), sorted by
   * that hash alone; hash collisions are told apart exactly.
   */
  public static JavaRDD<ItemAnswers> items(Dataset<Row> answers, Broadcast<AnswerCodes> codes) {
    Dataset<Row> coded =
        answers.mapPartitions(
            (MapPartitionsFunction<Row, Row>) rows -> encode(rows, codes.value()), Encoders.row(CODED));
    // internal rows: the sorted answers are read field by field, never turned into Row objects
    return coded
        .withColumn("k", xxhash64(col("g"), col("item_id")))
        .repartition(col("k"))
        .sortWithinPartitions(col("k"))
        .queryExecution()
        .toRdd()
        .toJavaRDD()
        .mapPartitions(Units::new);
  }

  private static Iterator<Row> encode(Iterator<Row> rows, AnswerCodes codes) {
    return new Iterator<>() {
      private Row last;
      private int lastGroup;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row r = rows.next();
        int g = last != null && sameGroup(r, last) ? lastGroup : codes.group(r.getString(0), r.getString(1), r.getString(2), r.getString(3));
        last = r;
        lastGroup = g;
        return RowFactory.create(
            g, r.getString(4), codes.worker(r.getString(5)), codes.label(g, r.getString(6)), r.isNullAt(7) ? null : r.getLong(7));
      }
    };
  }

  private static boolean sameGroup(Row a, Row b) {
    for (int i = 0; i < 4; i++) {
      if (!java.util.Objects.equals(a.getString(i), b.getString(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Turns coded answers (g, item_id, w, l, ts, k) sorted by the hash k into units: a run of equal
   * k is one unit unless the hash collided. Rows are reused by Spark, so each is copied into
   * {@link Answer}s at once.
   */
  private static final class Units implements Iterator<ItemAnswers> {
    private final Iterator<InternalRow> rows;
    private final List<Answer> run = new ArrayList<>();
    private Answer pending;
    private long pendingKey;
    private final java.util.ArrayDeque<ItemAnswers> ready = new java.util.ArrayDeque<>();

    Units(Iterator<InternalRow> rows) {
      this.rows = rows;
      advance();
    }

    private void advance() {
      if (!rows.hasNext()) {
        pending = null;
        return;
      }
      InternalRow r = rows.next();
      pending = new Answer(r.getInt(0), r.getUTF8String(1).toString(), r.getInt(2), r.getInt(3), r.isNullAt(4) ? Long.MIN_VALUE : r.getLong(4));
      pendingKey = r.getLong(5);
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && pending != null) {
        run.clear();
        long k = pendingKey;
        while (pending != null && pendingKey == k) {
          run.add(pending);
          advance();
        }
        splitRun();
      }
      return !ready.isEmpty();
    }

    @Override
    public ItemAnswers next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void splitRun() {
      Answer first = run.get(0);
      boolean oneUnit = true;
      for (Answer a : run) {
        oneUnit &= a.group == first.group && a.item.equals(first.item);
      }
      if (oneUnit) {
        ready.add(unit(run));
        return;
      }
      run.sort(Comparator.<Answer>comparingInt(a -> a.group).thenComparing(a -> a.item));
      int from = 0;
      for (int i = 1; i <= run.size(); i++) {
        if (i == run.size() || run.get(i).group != run.get(from).group || !run.get(i).item.equals(run.get(from).item)) {
          ready.add(unit(run.subList(from, i)));
          from = i;
        }
      }
    }

    /** The answers of one unit: the latest per worker, workers ascending. */
    private static ItemAnswers unit(List<Answer> answers) {
      Answer[] byWorker = answers.toArray(Answer[]::new);
      if (byWorker.length > 1) {
        Arrays.sort(byWorker, LATEST_LAST);
      }
      int distinct = 0;
      for (int i = 0; i < byWorker.length; i++) {
        if (i + 1 == byWorker.length || byWorker[i + 1].worker != byWorker[i].worker) {
          distinct++;
        }
      }
      int[] workers = new int[distinct];
      int[] labels = new int[distinct];
      int j = 0;
      for (int i = 0; i < byWorker.length; i++) {
        if (i + 1 == byWorker.length || byWorker[i + 1].worker != byWorker[i].worker) {
          workers[j] = byWorker[i].worker;
          labels[j++] = byWorker[i].label;
        }
      }
      return new ItemAnswers(byWorker[0].group, byWorker[0].item, workers, labels);
    }

    /** By worker, then time (none first), then label: a worker's latest answer is its last. */
    private static final Comparator<Answer> LATEST_LAST =
        Comparator.<Answer>comparingInt(a -> a.worker).thenComparingLong(a -> a.time).thenComparingInt(a -> a.label);
  }

  /** One coded answer; time is Long.MIN_VALUE when unknown. */
  private record Answer(int group, String item, int worker, int label, long time) {}

  /**
   * The categories of each slice (the labels its units use, in the label schema's order for
   * ordinal alpha when the project, and step and version when sliced by, has one, else natural
   * order), and how a group's label codes map to them.
   */
  public static final class Coding implements Serializable {
    private final AnswerCodes codes;
    private final Categories[] categories;
    /** Per group: label code -> category index of its slice (-1: a label only superseded answers use). */
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
   * The categories of each slice from the labels its units use (one pass over the cached units),
   * ordered by the best matching label schema.
   *
   * @param schemas the label_schemas table, or null
   */
  public static Coding coding(JavaRDD<ItemAnswers> items, AnswerCodes codes, Dataset<Row> schemas) {
    int groups = codes.groups();
    int[] sizes = new int[groups];
    for (int g = 0; g < groups; g++) {
      sizes[g] = codes.labels(g);
    }
    boolean[][] used = groups == 0 ? new boolean[0][] : items
        .mapPartitions(
            (Iterator<ItemAnswers> it) -> {
              boolean[][] seen = new boolean[sizes.length][];
              for (int g = 0; g < sizes.length; g++) {
                seen[g] = new boolean[sizes[g]];
              }
              while (it.hasNext()) {
                ItemAnswers i = it.next();
                for (int l : i.labels()) {
                  seen[i.group()][l] = true;
                }
              }
              return java.util.Collections.singletonList(seen).iterator();
            })
        .reduce(
            (a, b) -> {
              for (int g = 0; g < a.length; g++) {
                for (int l = 0; l < a[g].length; l++) {
                  a[g][l] |= b[g][l];
                }
              }
              return a;
            });
    List<Set<String>> observed = new ArrayList<>();
    for (int s = 0; s < codes.slices(); s++) {
      observed.add(new HashSet<>());
    }
    for (int g = 0; g < groups; g++) {
      for (int l = 0; l < sizes[g]; l++) {
        if (used[g][l]) {
          observed.get(codes.slice(g)).add(codes.label(g, l));
        }
      }
    }
    List<Row> schemaRows =
        schemas == null ? List.of() : schemas.select("project_id", "step", "guideline_version", "labels").collectAsList();
    Categories[] categories = new Categories[codes.slices()];
    for (int s = 0; s < categories.length; s++) {
      if (!observed.get(s).isEmpty()) {
        categories[s] = Categories.of(observed.get(s), schemaOrder(codes.sliceKey(s), schemaRows));
      }
    }
    return new Coding(codes, categories);
  }

  /** The label order of the best matching schema: same project, then same step and version if sliced. */
  static List<String> schemaOrder(SliceKey slice, List<Row> schemas) {
    List<String> best = null;
    int bestScore = -1;
    for (Row s : schemas) {
      if (!slice.project().equals(s.getString(0)) || s.isNullAt(3)) {
        continue;
      }
      boolean stepMatches = slice.step() == null || slice.step().equals(s.getString(1));
      boolean versionMatches = slice.guidelineVersion() == null || slice.guidelineVersion().equals(s.getString(2));
      int score = (stepMatches ? 2 : 0) + (versionMatches ? 1 : 0);
      if (score > bestScore) {
        best = s.getList(3);
        bestScore = score;
      }
    }
    return best;
  }

  /**
   * Folds the units into one state per slice (estimate plus Poisson bootstrap replicates) in one
   * pass; partitions fold locally and the small states are merged on the driver.
   */
  public static Map<SliceKey, PoissonBootstrap> states(
      JavaRDD<ItemAnswers> items, Broadcast<Coding> coding, AgreementSettings settings) {
    Coding c0 = coding.value();
    if (c0.codes().groups() == 0) {
      return Map.of();
    }
    int resamples = settings.resamples();
    long seed = settings.seed();
    PoissonBootstrap[] folded = items
        .mapPartitions(
            (Iterator<ItemAnswers> it) -> {
              Coding c = coding.value();
              AnswerCodes codes = c.codes();
              PoissonBootstrap[] states = new PoissonBootstrap[codes.slices()];
              while (it.hasNext()) {
                ItemAnswers i = it.next();
                int s = codes.slice(i.group());
                int[] values = new int[i.labels().length];
                for (int v = 0; v < values.length; v++) {
                  values[v] = c.category(i.group(), i.labels()[v]);
                }
                if (states[s] == null) {
                  states[s] = new PoissonBootstrap(c.categories[s].size(), resamples, seed);
                }
                Group g = codes.group(i.group());
                states[s].add(g.project() + '\u0000' + g.step() + '\u0000' + i.itemId(), ItemCounts.ofValues(values));
              }
              return java.util.Collections.singletonList(states).iterator();
            })
        .reduce(
            (a, b) -> {
              for (int s = 0; s < a.length; s++) {
                a[s] = a[s] == null ? b[s] : b[s] == null ? a[s] : a[s].merge(b[s]);
              }
              return a;
            });
    Map<SliceKey, PoissonBootstrap> out = new HashMap<>();
    for (int s = 0; s < folded.length; s++) {
      if (folded[s] != null) {
        out.put(c0.codes().sliceKey(s), folded[s]);
      }
    }
    return out;
  }

  /** One agreement_summary row per slice and coefficient, computed or not. */
  public static List<Row> summaryRows(
      Map<SliceKey, PoissonBootstrap> states, Map<SliceKey, Categories> categories, AgreementSettings settings) {
    List<Row> rows = new ArrayList<>();
    states.forEach(
        (slice, state) -> {
          Categories cats = categories.get(slice);
          for (Coefficient c : AgreementReport.compute(state, cats, settings.levels(), settings.confidence())) {
            List<Object> v = new ArrayList<>(Arrays.asList(slice.columns()));
            boolean interval = !Double.isNaN(c.ciLower());
            v.addAll(
                Arrays.asList(
                    c.metric(), c.level().cliName(), orNull(c.value()), orNull(c.standardError()), orNull(c.ciLower()),
                    orNull(c.ciUpper()), interval ? settings.confidence() : null, interval ? state.replicates() : 0,
                    c.items(), c.annotations(), cats.size(), c.status().name(), c.error(), c.note()));
            rows.add(RowFactory.create(v.toArray()));
          }
        });
    return rows;
  }

  /** The summary rows as a DataFrame. */
  public static Dataset<Row> summary(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, AgreementTables.SUMMARY);
  }

  /** Per item: annotations, distinct labels, top label and its share, entropy, percent agreement. */
  public static Dataset<Row> itemAgreement(JavaRDD<ItemAnswers> items, Broadcast<Coding> coding) {
    SparkSession spark = SparkSession.active();
    return spark.createDataFrame(items.map(i -> itemRow(i, coding.value().codes())), AgreementTables.ITEM_AGREEMENT);
  }

  /** The n most contested units (highest entropy, then lowest top label share, then item id) as item_agreement rows. */
  public static List<Row> mostContested(JavaRDD<ItemAnswers> items, Broadcast<Coding> coding, int n) {
    return items.map(i -> itemRow(i, coding.value().codes())).takeOrdered(n, new Contested());
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
        c = java.util.Objects.compare(String.valueOf(a.get(i)), String.valueOf(b.get(i)), Comparator.naturalOrder());
      }
      return c;
    }
  }

  /** Label codes follow string order, so the stats (and their ties) are those of the labels sorted as strings. */
  private static Row itemRow(ItemAnswers i, AnswerCodes codes) {
    ItemStats s = ItemStats.of(ItemCounts.ofValues(i.labels()));
    Object[] g = codes.groupColumns(i.group());
    return new GenericRowWithSchema(
        new Object[] {
          g[0], g[1], g[2], g[3], i.itemId(), s.annotations(), s.distinctLabels(),
          s.topLabel() < 0 ? null : codes.label(i.group(), s.topLabel()), orNull(s.topLabelShare()), orNull(s.entropy()),
          orNull(s.percentAgreement())
        },
        AgreementTables.ITEM_AGREEMENT);
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
   * Cohen's kappa of every worker pair sharing at least {@code minOverlap} items in a slice. Cost is
   * quadratic in the workers of an item (pairs), linear in items: one shuffle of one row per pair
   * and shared item, sorted by pair, so each pair's table is built as its rows stream by. The sort
   * key k packs (slice, worker a, worker b) into one long, which Spark sorts by prefix alone;
   * when slices x workers^2 do not fit a long, k is 0 and the sort compares the three ints.
   */
  public static Dataset<Row> workerPairs(JavaRDD<ItemAnswers> items, Broadcast<Coding> coding, AgreementSettings settings) {
    SparkSession spark = SparkSession.active();
    AnswerCodes codes = coding.value().codes();
    long workers = Math.max(1, codes.workers());
    boolean packs = codes.slices() <= Long.MAX_VALUE / workers / workers;
    JavaRDD<Row> cells =
        items.flatMap(
            i -> {
              Coding c = coding.value();
              int g = i.group();
              int s = c.codes().slice(g);
              int[] w = i.workers();
              int[] l = i.labels();
              List<Row> out = new ArrayList<>(w.length * (w.length - 1) / 2);
              for (int a = 0; a < w.length; a++) {
                for (int b = a + 1; b < w.length; b++) {
                  long k = packs ? (s * workers + w[a]) * workers + w[b] : 0;
                  out.add(RowFactory.create(k, s, w[a], w[b], c.category(g, l[a]), c.category(g, l[b])));
                }
              }
              return out.iterator();
            });
    int minOverlap = settings.minPairOverlap();
    return spark
        .createDataFrame(cells, PAIR_CELLS)
        .repartition(col("s"), col("a"), col("b"))
        .sortWithinPartitions("k", "s", "a", "b")
        .mapPartitions(
            (MapPartitionsFunction<Row, Row>) rows -> new Pairs(rows, coding.value(), minOverlap),
            Encoders.row(AgreementTables.WORKER_PAIR_AGREEMENT));
  }

  /** Streams the cells of pairs sorted by (slice, worker a, worker b) into one row per pair with enough overlap. */
  private static final class Pairs implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final Coding coding;
    private final int minOverlap;
    private Row pending;
    private Row ready;
    private final List<int[]> cells = new ArrayList<>();

    Pairs(Iterator<Row> rows, Coding coding, int minOverlap) {
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
        cells.clear();
        while (pending != null && pending.getInt(1) == s && pending.getInt(2) == a && pending.getInt(3) == b) {
          cells.add(new int[] {pending.getInt(4), pending.getInt(5)});
          pending = rows.hasNext() ? rows.next() : null;
        }
        if (cells.size() >= minOverlap) {
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
      for (int[] cell : cells) {
        seen.add(cell[0]);
        seen.add(cell[1]);
      }
      Map<Integer, Integer> index = new HashMap<>();
      for (int c : seen) {
        index.put(c, index.size());
      }
      long[][] table = new long[index.size()][index.size()];
      long agree = 0;
      for (int[] cell : cells) {
        table[index.get(cell[0])][index.get(cell[1])]++;
        agree += cell[0] == cell[1] ? 1 : 0;
      }
      long n = cells.size();
      Coefficient k = CohenKappa.compute(table);
      Object[] slice = coding.codes().sliceColumns(s);
      return RowFactory.create(
          slice[0], slice[1], slice[2], slice[3], coding.codes().workerId(a), coding.codes().workerId(b), n,
          (double) agree / n, orNull(k.value()), orNull(k.standardError()), k.status().name(), k.error());
    }
  }

  private static final StructType WORKER_COUNTS =
      new StructType()
          .add("s", DataTypes.IntegerType, false)
          .add("w", DataTypes.IntegerType, false)
          .add("items", DataTypes.LongType, false)
          .add("others", DataTypes.LongType, false)
          .add("agreeing", DataTypes.LongType, false);

  /**
   * Per worker: the share of the other workers on the same items who gave the same label (items
   * with at least two workers only). Partitions count locally first (a worker appears in many
   * items of a partition), then one small aggregation adds them up.
   */
  public static Dataset<Row> workerAgreement(JavaRDD<ItemAnswers> items, Broadcast<Coding> coding) {
    SparkSession spark = SparkSession.active();
    JavaRDD<Row> partial =
        items.mapPartitions(
            it -> {
              AnswerCodes codes = coding.value().codes();
              HashMap<Long, long[]> counts = new HashMap<>();
              while (it.hasNext()) {
                ItemAnswers i = it.next();
                int[] w = i.workers();
                int[] l = i.labels();
                if (w.length < 2) {
                  continue;
                }
                long s = codes.slice(i.group());
                for (int x = 0; x < w.length; x++) {
                  long same = -1;
                  for (int y = 0; y < w.length; y++) {
                    same += l[y] == l[x] ? 1 : 0;
                  }
                  long[] c = counts.computeIfAbsent((s << 32) | w[x], k -> new long[3]);
                  c[0]++;
                  c[1] += w.length - 1;
                  c[2] += same;
                }
              }
              List<Row> out = new ArrayList<>(counts.size());
              counts.forEach((k, c) -> out.add(RowFactory.create((int) (k >>> 32), (int) (long) k, c[0], c[1], c[2])));
              return out.iterator();
            });
    return spark
        .createDataFrame(partial, WORKER_COUNTS)
        .groupBy("s", "w")
        .agg(sum("items").as("n_items"), sum("others").as("n_pairs"), sum("agreeing").as("agreeing"))
        .map(
            (MapFunction<Row, Row>)
                r -> {
                  AnswerCodes codes = coding.value().codes();
                  Object[] slice = codes.sliceColumns(r.getInt(0));
                  return RowFactory.create(
                      slice[0], slice[1], slice[2], slice[3], codes.workerId(r.getInt(1)), r.getLong(2), r.getLong(3),
                      (double) r.getLong(4) / r.getLong(3));
                },
            Encoders.row(AgreementTables.WORKER_AGREEMENT));
  }

  /** Broadcasts a value to the executors (the caller destroys it). */
  public static <T> Broadcast<T> broadcast(SparkSession spark, T value) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(value);
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
