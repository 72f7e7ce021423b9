package io.annolake.jobs.anomaly;

import static io.annolake.jobs.CliRun.ok;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.split;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.ContractCheck;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The anomalies job on the crowd simulator, scored against the anomalies it injected ({@code
 * _truth/anomalies}): recall per injected code, precision of the workers flagged HIGH, legitimate
 * variation (slow-but-accurate workers, an expert right against a wrong crowd) never HIGH, and a
 * rerun of the window replacing its flags.
 */
class AnomaliesSimulatorTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  @Test
  void injectedAnomaliesAreFoundAndLegitimateVariationIsNotFlaggedHigh() {
    String landing = dir.resolve("landing").toString();
    ok(
        "generate",
        "--out",
        landing,
        "--format",
        "parquet",
        "--annotations",
        "40000",
        "--workers",
        "60",
        "--projects",
        "1",
        "--steps",
        "1",
        "--seed",
        "7");
    String root = dir.resolve("lh").toString();
    CliRun.ingestSimulated(landing, root, "2026-01-18");
    ok("consensus", "--lakehouse", root, "--logical-date", "2026-01-18");
    String[] anomalies = {
      "anomalies", "--lakehouse", root, "--logical-date", "2026-01-18", "--window-days", "14"
    };
    ok(anomalies);

    Lakehouse lh = new Lakehouse(spark, root, "annolake");
    Dataset<Row> flags = lh.read(Tables.ANOMALY_FLAGS).cache();
    Dataset<Row> truth =
        spark.read().option("header", true).csv(landing + "/_truth/anomalies").cache();
    Dataset<Row> workers = spark.read().option("header", true).csv(landing + "/_truth/workers");

    // Both sides are small (hundreds to a few thousand entities): scored on the driver, one
    // collect each instead of three Spark jobs per code.
    Map<String, Set<String>> injectedByCode = entitiesByCode(truth);
    Map<String, Set<String>> flaggedByCode = entitiesByCode(flags);
    Set<String> codes = new TreeSet<>(injectedByCode.keySet());
    codes.addAll(flaggedByCode.keySet());
    Map<String, double[]> scores = new TreeMap<>();
    for (String code : codes) {
      Set<String> t = injectedByCode.getOrDefault(code, Set.of());
      Set<String> f = flaggedByCode.getOrDefault(code, Set.of());
      long hits = t.stream().filter(f::contains).count();
      long injected = t.size();
      long flagged = f.size();
      scores.put(
          code,
          new double[] {
            injected,
            flagged,
            injected == 0 ? Double.NaN : (double) hits / injected,
            flagged == 0 ? Double.NaN : (double) hits / flagged
          });
    }
    System.out.println("[anomalies] code                       injected flagged recall precision");
    scores.forEach(
        (code, s) ->
            System.out.printf(
                "[anomalies] %-26s %8.0f %7.0f %6.2f %9.2f%n", code, s[0], s[1], s[2], s[3]));

    // Workers flagged HIGH (pairs count both members) against every worker the truth names.
    Set<String> anomalous =
        new HashSet<>(
            truth
                .where(col("entity_type").isin("worker", "worker_pair"))
                .select(explode(split(col("entity_id"), "\\|")))
                .as(Encoders.STRING())
                .collectAsList());
    Set<String> high =
        new HashSet<>(
            flags
                .where(
                    col("severity")
                        .equalTo("HIGH")
                        .and(col("entity_type").isin("worker", "worker_pair")))
                .select(explode(split(col("entity_id"), "\\|")))
                .as(Encoders.STRING())
                .collectAsList());
    Set<String> wrong = new TreeSet<>(high);
    wrong.removeAll(anomalous);
    double precision = high.isEmpty() ? Double.NaN : 1 - (double) wrong.size() / high.size();
    System.out.printf(
        "[anomalies] workers flagged HIGH: %d, of them not injected: %s, precision %.2f%n",
        high.size(), wrong, precision);

    for (String code : injectedByCode.keySet()) {
      assertThat(scores.get(code)[2]).as("recall of " + code).isGreaterThanOrEqualTo(0.9);
    }
    assertThat(precision).isGreaterThanOrEqualTo(0.9);
    Set<String> legitimate =
        new HashSet<>(
            workers
                .where(
                    col("archetype")
                        .equalTo("SLOW_ACCURATE")
                        .or(col("injected_role").equalTo("TRAP_EXPERT")))
                .select("worker_id")
                .as(Encoders.STRING())
                .collectAsList());
    assertThat(legitimate).isNotEmpty();
    assertThat(high)
        .as("slow-accurate workers and experts right against the crowd")
        .doesNotContainAnyElementsOf(legitimate);
    assertThat(flags.select("flag_id").distinct().count()).isEqualTo(flags.count());

    // A rerun of the same window replaces its flags: same count, same ids.
    long before = flags.count();
    List<String> ids =
        flags.select("flag_id").orderBy("flag_id").as(Encoders.STRING()).collectAsList();
    flags.unpersist();
    ok(anomalies);
    Dataset<Row> again = lh.read(Tables.ANOMALY_FLAGS);
    assertThat(again.count()).isEqualTo(before);
    assertThat(again.select("flag_id").orderBy("flag_id").as(Encoders.STRING()).collectAsList())
        .isEqualTo(ids);
    assertThat(
            lh.read(Tables.WORKER_DAILY_METRICS)
                .select("project_id", "step", "worker_id", "day")
                .distinct()
                .count())
        .isEqualTo(lh.read(Tables.WORKER_DAILY_METRICS).count());
    // the tables' columns are the table contract's (for worker_daily_metrics: AnomalySchemas.DAILY,
    // then the writer's as_of_date and run_id; TableContractTest)
    assertThat(ContractCheck.differences(lh)).isEmpty();
    truth.unpersist();
  }

  /** Distinct (entity type, entity id) per code, as "type|id". */
  private static Map<String, Set<String>> entitiesByCode(Dataset<Row> rows) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Row r : rows.select("code", "entity_type", "entity_id").collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new HashSet<>())
          .add(r.getString(1) + "|" + r.getString(2));
    }
    return out;
  }
}
