package io.annolake.common.agreement;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import java.io.Serializable;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark side of agreement: annotations -> one row per item (its answers) -> per-slice
 * sufficient statistics folded in one pass, per-item, per-pair and per-worker tables.
 *
 * <p>Nothing per annotation reaches the driver: only per-slice states (categories squared times
 * resamples) and the distinct labels of each slice are collected.
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
   * One row per item and slice with each worker's latest answer (by submitted_at): the unit of
   * every coefficient. A unit is (project, step, item) within the sliced guideline version / day.
   */
  public static Dataset<Row> items(Dataset<Row> annotations, AgreementSettings settings) {
    Column version = settings.slicedBy("guideline_version") ? col("guideline_version") : lit(null).cast("string");
    Column day = settings.slicedBy("day") ? date_format(col("submitted_at"), "yyyy-MM-dd") : lit(null).cast("string");
    return annotations
        .where(col("label").isNotNull().and(col("item_id").isNotNull()).and(col("worker_id").isNotNull()))
        .select(
            col("project_id"), col("step"), version.as("guideline_version"), day.as("day"), col("item_id"),
            struct(col("submitted_at"), col("worker_id"), col("label")).as("answer"))
        .groupBy("project_id", "step", "guideline_version", "day", "item_id")
        .agg(collect_list(col("answer")).as("answers"))
        .map((MapFunction<Row, Row>) AgreementTransforms::latestPerWorker, Encoders.row(AgreementTables.ITEMS));
  }

  private static Row latestPerWorker(Row r) {
    List<Row> answers = r.getList(5);
    TreeMap<String, Row> latest = new TreeMap<>();
    for (Row a : answers) {
      latest.merge(a.getString(1), a, AgreementTransforms::later);
    }
    String[] workers = latest.keySet().toArray(String[]::new);
    String[] labels = latest.values().stream().map(a -> a.getString(2)).toArray(String[]::new);
    return RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), workers, labels);
  }

  private static Row later(Row a, Row b) {
    Timestamp ta = a.isNullAt(0) ? null : a.getTimestamp(0);
    Timestamp tb = b.isNullAt(0) ? null : b.getTimestamp(0);
    int c = ta == null ? (tb == null ? 0 : -1) : (tb == null ? 1 : ta.compareTo(tb));
    if (c == 0) {
      c = a.getString(2).compareTo(b.getString(2)); // deterministic on ties
    }
    return c >= 0 ? a : b;
  }

  static SliceKey sliceKey(Row item, boolean byStep) {
    return new SliceKey(item.getString(0), byStep ? item.getString(1) : null, item.getString(2), item.getString(3));
  }

  /**
   * The categories of each slice: the label schema's order for ordinal alpha when the project (and
   * step and version, when sliced by) has one, else natural order. Collects distinct labels only.
   *
   * @param schemas the label_schemas table, or null
   */
  public static Map<SliceKey, Categories> categories(Dataset<Row> items, Dataset<Row> schemas, AgreementSettings settings) {
    boolean byStep = settings.slicedBy("step");
    Map<SliceKey, Set<String>> observed = new HashMap<>();
    Dataset<Row> distinct =
        items
            .select(col("project_id"), byStep ? col("step") : lit(null).cast("string"), col("guideline_version"), col("day"),
                explode(col("labels")).as("label"))
            .distinct();
    for (Row r : distinct.collectAsList()) {
      observed.computeIfAbsent(sliceKey(r, true), k -> new HashSet<>()).add(r.getString(4));
    }
    List<Row> schemaRows =
        schemas == null ? List.of() : schemas.select("project_id", "step", "guideline_version", "labels").collectAsList();
    Map<SliceKey, Categories> out = new HashMap<>();
    observed.forEach((slice, labels) -> out.put(slice, Categories.of(labels, schemaOrder(slice, schemaRows))));
    return out;
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
   * Folds the items into one state per slice (estimate plus Poisson bootstrap replicates) in one
   * pass; partitions fold locally and the small states are merged on the driver.
   */
  public static Map<SliceKey, PoissonBootstrap> states(
      Dataset<Row> items, Map<SliceKey, Categories> categories, AgreementSettings settings) {
    SparkSession spark = items.sparkSession();
    var broadcast =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(new HashMap<>(categories));
    boolean byStep = settings.slicedBy("step");
    int resamples = settings.resamples();
    long seed = settings.seed();
    Map<SliceKey, PoissonBootstrap> folded = items
        .toJavaRDD()
        .mapPartitions(
            (Iterator<Row> rows) -> {
              Map<SliceKey, Categories> cats = broadcast.value();
              HashMap<SliceKey, PoissonBootstrap> states = new HashMap<>();
              while (rows.hasNext()) {
                Row r = rows.next();
                SliceKey slice = sliceKey(r, byStep);
                Categories c = cats.get(slice);
                List<String> labels = r.getList(6);
                int[] values = new int[labels.size()];
                for (int i = 0; i < values.length; i++) {
                  values[i] = c.indexOf(labels.get(i));
                }
                states
                    .computeIfAbsent(slice, s -> new PoissonBootstrap(c.size(), resamples, seed))
                    .add(r.getString(0) + '\u0000' + r.getString(1) + '\u0000' + r.getString(4), ItemCounts.ofValues(values));
              }
              return Collections.singletonList(states).iterator();
            })
        .reduce(
            (a, b) -> {
              b.forEach((k, v) -> a.merge(k, v, PoissonBootstrap::merge));
              return a;
            });
    broadcast.destroy();
    return folded;
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
  public static Dataset<Row> itemAgreement(Dataset<Row> items) {
    return items.map((MapFunction<Row, Row>) AgreementTransforms::itemRow, Encoders.row(AgreementTables.ITEM_AGREEMENT));
  }

  private static Row itemRow(Row r) {
    List<String> labels = r.getList(6);
    TreeMap<String, Integer> counts = new TreeMap<>();
    labels.forEach(l -> counts.merge(l, 1, Integer::sum));
    List<String> names = new ArrayList<>(counts.keySet());
    ItemStats s = ItemStats.of(ItemCounts.ofDense(counts.values().stream().mapToInt(Integer::intValue).toArray()));
    return RowFactory.create(
        r.get(0), r.get(1), r.get(2), r.isNullAt(3) ? null : Date.valueOf(r.getString(3)), r.get(4), s.annotations(),
        s.distinctLabels(), s.topLabel() < 0 ? null : names.get(s.topLabel()), orNull(s.topLabelShare()),
        orNull(s.entropy()), orNull(s.percentAgreement()));
  }

  private static final StructType PAIR_LABELS =
      AgreementTables.slice()
          .add("worker_a", DataTypes.StringType, false)
          .add("worker_b", DataTypes.StringType, false)
          .add("label_a", DataTypes.StringType, false)
          .add("label_b", DataTypes.StringType, false);

  /**
   * Cohen's kappa of every worker pair sharing at least {@code minOverlap} items in a slice. Cost is
   * quadratic in the workers of an item (pairs), linear in items.
   */
  public static Dataset<Row> workerPairs(Dataset<Row> items, AgreementSettings settings) {
    boolean byStep = settings.slicedBy("step");
    Dataset<Row> pairs =
        items.flatMap(
            (FlatMapFunction<Row, Row>)
                r -> {
                  Object[] slice = sliceKey(r, byStep).columns();
                  List<String> workers = r.getList(5);
                  List<String> labels = r.getList(6);
                  List<Row> out = new ArrayList<>();
                  for (int a = 0; a < workers.size(); a++) {
                    for (int b = a + 1; b < workers.size(); b++) {
                      out.add(RowFactory.create(slice[0], slice[1], slice[2], slice[3], workers.get(a), workers.get(b), labels.get(a), labels.get(b)));
                    }
                  }
                  return out.iterator();
                },
            Encoders.row(PAIR_LABELS));
    // one shuffle: most worker pairs share few items, so a partial count per label pair would not shrink the data
    return pairs
        .groupBy("project_id", "step", "guideline_version", "day", "worker_a", "worker_b")
        .agg(collect_list(struct(col("label_a"), col("label_b"))).as("cells"))
        .where(org.apache.spark.sql.functions.size(col("cells")).geq(settings.minPairOverlap()))
        .map((MapFunction<Row, Row>) AgreementTransforms::pairRow, Encoders.row(AgreementTables.WORKER_PAIR_AGREEMENT));
  }

  private static Row pairRow(Row r) {
    List<Row> cells = r.getList(6);
    Map<String, Integer> index = new TreeMap<>();
    for (Row c : cells) {
      index.putIfAbsent(c.getString(0), 0);
      index.putIfAbsent(c.getString(1), 0);
    }
    int i = 0;
    for (Map.Entry<String, Integer> e : index.entrySet()) {
      e.setValue(i++);
    }
    long[][] table = new long[index.size()][index.size()];
    long agree = 0;
    for (Row c : cells) {
      table[index.get(c.getString(0))][index.get(c.getString(1))]++;
      agree += c.getString(0).equals(c.getString(1)) ? 1 : 0;
    }
    long n = cells.size();
    Coefficient k = CohenKappa.compute(table);
    return RowFactory.create(
        r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), n, (double) agree / n, orNull(k.value()),
        orNull(k.standardError()), k.status().name(), k.error());
  }

  private static final StructType WORKER_ITEMS =
      AgreementTables.slice()
          .add("worker_id", DataTypes.StringType, false)
          .add("agreeing", DataTypes.LongType, false)
          .add("others", DataTypes.LongType, false);

  /**
   * Per worker: the share of the other workers on the same items who gave the same label (items
   * with at least two workers only).
   */
  public static Dataset<Row> workerAgreement(Dataset<Row> items, AgreementSettings settings) {
    boolean byStep = settings.slicedBy("step");
    return items
        .flatMap(
            (FlatMapFunction<Row, Row>)
                r -> {
                  Object[] slice = sliceKey(r, byStep).columns();
                  List<String> workers = r.getList(5);
                  List<String> labels = r.getList(6);
                  if (workers.size() < 2) {
                    return Collections.emptyIterator();
                  }
                  Map<String, Integer> counts = new HashMap<>();
                  labels.forEach(l -> counts.merge(l, 1, Integer::sum));
                  List<Row> out = new ArrayList<>(workers.size());
                  for (int w = 0; w < workers.size(); w++) {
                    out.add(RowFactory.create(slice[0], slice[1], slice[2], slice[3], workers.get(w),
                        (long) counts.get(labels.get(w)) - 1, (long) workers.size() - 1));
                  }
                  return out.iterator();
                },
            Encoders.row(WORKER_ITEMS))
        .groupBy("project_id", "step", "guideline_version", "day", "worker_id")
        .agg(count(lit(1)).as("n_items"), sum("others").as("n_pairs"), sum("agreeing").as("agreeing"))
        .select(
            col("project_id"), col("step"), col("guideline_version"), col("day"), col("worker_id"), col("n_items"),
            col("n_pairs"), col("agreeing").divide(col("n_pairs")).as("agreement_with_others"));
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
