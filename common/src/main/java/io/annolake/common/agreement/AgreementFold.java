package io.annolake.common.agreement;

import static io.annolake.common.agreement.AgreementTransforms.orNull;

import io.annolake.common.agreement.AnswerCodes.Group;
import io.annolake.common.agreement.ItemAgreementRows.Contested;
import io.annolake.common.agreement.ItemAgreementRows.ItemRows;
import io.annolake.common.agreement.UnitCoding.Coding;
import io.annolake.common.schema.AgreementSchemas;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/**
 * One pass over the units: per-slice states (estimate plus Poisson bootstrap replicates),
 * per-worker counts and the most contested units, folded per partition and merged on the driver;
 * and the agreement_summary and worker_agreement rows made from them.
 */
public final class AgreementFold {
  private AgreementFold() {}

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
        states[s] = new PoissonBootstrap(c.categoryCount(s), resamples, seed);
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
          toRow = CatalystTypeConverters.createToScalaConverter(AgreementSchemas.ITEM_AGREEMENT);
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
      double leastEntropy = least.getDouble(ItemAgreementRows.ENTROPY_BITS);
      return e > leastEntropy - 1e-9
          && (e > leastEntropy + 1e-9
              || s.topLabelShare() <= least.getDouble(ItemAgreementRows.TOP_LABEL_SHARE) + 1e-9);
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
            // with the schema, so that readers take columns by name
            rows.add(new GenericRowWithSchema(v.toArray(), AgreementSchemas.SUMMARY));
          }
        });
    return rows;
  }

  /** The summary rows as a DataFrame. */
  public static Dataset<Row> summary(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, AgreementSchemas.SUMMARY);
  }

  /** The worker_agreement rows of a {@link Fold} as a DataFrame. */
  public static Dataset<Row> workerAgreement(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, AgreementSchemas.WORKER_AGREEMENT);
  }
}
