package io.annolake.jobs.quality;

import static io.annolake.jobs.CliRun.ok;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.io.Lakehouse;
import io.annolake.common.schema.Tables;
import io.annolake.common.testing.ContractCheck;
import io.annolake.common.testing.SparkTestSession;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny lakehouse with hand-computed answers: threshold 0.9, min evidence 5, retraining 3.
 *
 * <ul>
 *   <li>good: g1..g6 right under v1, and g1 right under v2, where g1's gold label changed (7/7).
 *   <li>bad: g1..g6 wrong (paused at the 5th), then g7..g9 right: retrained -> PROBATION.
 *   <li>spam: g1..g6 wrong: paused at the 5th, stays paused.
 *   <li>lead: g1..g5 wrong (paused), reinstated by a quality lead -> PROBATION.
 *   <li>new: 2 right answers: INSUFFICIENT_EVIDENCE.
 * </ul>
 */
class WorkerQualityJobTest {
  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  private static String at(int second) {
    return T0.plusSeconds(second).toString();
  }

  private String lakehouse() throws Exception {
    List<String> a =
        new ArrayList<>(
            List.of(
                "annotation_id,project_id,step,item_id,worker_id,label,guideline_version,submitted_at"));
    int n = 0;
    for (int i = 1; i <= 6; i++) {
      a.add("a" + n++ + ",p,s,g" + i + ",good,a,v1," + at(i));
      a.add("a" + n++ + ",p,s,g" + i + ",bad,b,v1," + at(i));
      a.add("a" + n++ + ",p,s,g" + i + ",spam,b,v1," + at(i));
      if (i <= 5) {
        a.add("a" + n++ + ",p,s,g" + i + ",lead,b,v1," + at(i));
      }
    }
    a.add("a" + n++ + ",p,s,g1,good,b,v2," + at(7));
    a.add("a" + n++ + ",p,s,x1,good,a,v2," + at(8));
    for (int i = 7; i <= 9; i++) {
      a.add("a" + n++ + ",p,s,g" + i + ",bad,a,v1," + at(i + 10));
    }
    a.add("a" + n++ + ",p,s,g1,new,a,v1," + at(1));
    a.add("a" + n++ + ",p,s,g2,new,a,v1," + at(2));
    List<String> g = new ArrayList<>(List.of("project_id,step,item_id,label,guideline_version"));
    for (int i = 1; i <= 9; i++) {
      g.add("p,s,g" + i + ",a,v1");
    }
    g.add("p,s,g1,b,v2");
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("g"));
    Files.write(dir.resolve("a/annotations.csv"), a);
    Files.write(dir.resolve("g/gold.csv"), g);
    Files.writeString(
        dir.resolve("q.conf"),
        "annolake.quality { threshold = 0.95, threshold-overrides { \"p/s\" = 0.9 }, min-evidence = 5, retraining-count = 3, window-size = 10 }");
    Files.write(
        dir.resolve("reinstate.csv"),
        List.of("project_id,step,worker_id,reinstated_at,lead_id", "p,s,lead," + at(30) + ",qa-1"));
    String root = dir.resolve("lh").toString();
    ok(
        "ingest",
        "--lakehouse",
        root,
        "--source",
        dir.resolve("a").toString(),
        "--logical-date",
        "2026-01-05");
    ok(
        "ingest",
        "--lakehouse",
        root,
        "--source",
        dir.resolve("g").toString(),
        "--kind",
        "gold",
        "--logical-date",
        "2026-01-05");
    return root;
  }

  private CliRun quality(String root, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "worker-quality",
                "--lakehouse",
                root,
                "--conf",
                dir.resolve("q.conf").toString(),
                "--logical-date",
                "2026-01-05"));
    args.addAll(List.of(more));
    return ok(args.toArray(String[]::new));
  }

  private Map<String, Row> byWorker(Dataset<Row> df) {
    Map<String, Row> out = new TreeMap<>();
    df.collectAsList().forEach(r -> out.put(r.getAs("worker_id"), r));
    return out;
  }

  @Test
  void handComputedStatusesEventsAndIntervals() throws Exception {
    String root = lakehouse();
    quality(root, "--reinstate-file", dir.resolve("reinstate.csv").toString());
    Lakehouse lh = new Lakehouse(spark, root, "annolake");
    assertThat(ContractCheck.differences(lh)).isEmpty();
    Map<String, Row> q = byWorker(lh.read(Tables.WORKER_QUALITY));

    Row good = q.get("good");
    assertThat(good.<Long>getAs("gold_answers")).isEqualTo(7);
    assertThat(good.<Long>getAs("gold_correct")).isEqualTo(7);
    assertThat(good.<Long>getAs("annotations")).isEqualTo(8);
    assertThat(good.<Double>getAs("gold_share")).isEqualTo(7.0 / 8);
    assertThat(good.<Long>getAs("repeated_gold_items")).isEqualTo(1);
    assertThat(good.<String>getAs("status")).isEqualTo("ACTIVE");
    assertThat(good.<Double>getAs("threshold")).isEqualTo(0.9);
    // Wilson 7/7 at 95%: [0.6457, 1]
    assertThat(good.<Double>getAs("ci_low"))
        .isCloseTo(0.6457, org.assertj.core.data.Offset.offset(1e-4));

    Row bad = q.get("bad");
    assertThat(bad.<Long>getAs("gold_answers")).isEqualTo(9);
    assertThat(bad.<Long>getAs("gold_correct")).isEqualTo(3);
    assertThat(bad.<String>getAs("status")).isEqualTo("PROBATION");
    assertThat(bad.<String>getAs("status_reason")).startsWith("RETRAINED");
    assertThat(bad.<Long>getAs("window_answers")).isEqualTo(3);
    assertThat(bad.<Timestamp>getAs("status_since").toInstant()).isEqualTo(T0.plusSeconds(19));
    assertThat(bad.<scala.collection.Map<String, Double>>getAs("class_recall").apply("a"))
        .isEqualTo(3.0 / 9);

    assertThat(q.get("spam").<String>getAs("status")).isEqualTo("PAUSED");
    assertThat(q.get("lead").<String>getAs("status")).isEqualTo("PROBATION");
    assertThat(q.get("lead").<Timestamp>getAs("status_since").toInstant())
        .isEqualTo(T0.plusSeconds(30));
    assertThat(q.get("new").<String>getAs("status")).isEqualTo("INSUFFICIENT_EVIDENCE");

    assertThat(
            lh.read(Tables.PAUSED_WORKERS)
                .select("worker_id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("spam");

    List<Row> events =
        lh.read(Tables.WORKER_STATUS_EVENTS).orderBy("worker_id", "event_at").collectAsList();
    assertThat(events)
        .extracting(
            r -> r.getAs("worker_id") + ":" + r.getAs("from_status") + ">" + r.getAs("to_status"))
        .containsExactly(
            "bad:INSUFFICIENT_EVIDENCE>PAUSED",
            "bad:PAUSED>PROBATION",
            "good:INSUFFICIENT_EVIDENCE>ACTIVE",
            "lead:INSUFFICIENT_EVIDENCE>PAUSED",
            "lead:PAUSED>PROBATION",
            "spam:INSUFFICIENT_EVIDENCE>PAUSED");
    assertThat(events.get(0).<Timestamp>getAs("event_at").toInstant()).isEqualTo(T0.plusSeconds(5));
    assertThat(events.get(0).<Long>getAs("evidence_answers")).isEqualTo(5);
    assertThat(events.get(1).<String>getAs("reason")).startsWith("RETRAINED");
    assertThat(events.get(2).<Timestamp>getAs("event_at").toInstant()).isEqualTo(T0.plusSeconds(5));
    assertThat(events.get(4).<String>getAs("reason")).startsWith("REINSTATED");

    // status as of an annotation's time: bad was PAUSED for its answer at second 17
    Dataset<Row> intervals =
        lh.read(Tables.WORKER_STATUS_INTERVALS).where(col("worker_id").equalTo("bad"));
    Timestamp t17 = Timestamp.from(T0.plusSeconds(17));
    List<Row> asOf17 =
        intervals
            .where(
                col("valid_from")
                    .leq(t17)
                    .and(col("valid_to").isNull().or(col("valid_to").gt(t17))))
            .collectAsList();
    assertThat(asOf17)
        .extracting(r -> r.getString(r.fieldIndex("status")))
        .containsExactly("PAUSED");
    assertThat(intervals.count()).isEqualTo(3);

    // gold-set health: g1 served 6 times under v1, answered right by good and new only
    Row g1 =
        lh.read(Tables.GOLD_ITEM_HEALTH)
            .where(col("item_id").equalTo("g1").and(col("guideline_version").equalTo("v1")))
            .head();
    assertThat(g1.<Long>getAs("served")).isEqualTo(5);
    assertThat(g1.<Long>getAs("answered_correct")).isEqualTo(2);
    assertThat(g1.<Boolean>getAs("needs_review")).isTrue();
  }

  @Test
  void rerunsOfTheSameLogicalDateNeverDuplicateEvents() throws Exception {
    String root = lakehouse();
    quality(root);
    Lakehouse lh = new Lakehouse(spark, root, "annolake");
    long events = lh.read(Tables.WORKER_STATUS_EVENTS).count();
    List<Row> quality =
        lh.read(Tables.WORKER_QUALITY).drop("run_id").orderBy("worker_id").collectAsList();
    CliRun again = quality(root);
    assertThat(again.out()).contains("0 new status events");
    assertThat(lh.read(Tables.WORKER_STATUS_EVENTS).count()).isEqualTo(events);
    assertThat(lh.read(Tables.WORKER_QUALITY).drop("run_id").orderBy("worker_id").collectAsList())
        .isEqualTo(quality);
    // one project alone replaces only its rows, with the same result
    assertThat(quality(root, "--project", "p").out()).contains("0 new status events");
    assertThat(lh.read(Tables.WORKER_QUALITY).drop("run_id").orderBy("worker_id").collectAsList())
        .isEqualTo(quality);
    // an earlier as-of sees a subset of the same events: nothing new either
    CliRun earlier = quality(root, "--as-of", at(6));
    assertThat(earlier.out()).contains("0 new status events");
    assertThat(lh.read(Tables.WORKER_STATUS_EVENTS).count()).isEqualTo(events);
    assertThat(
            lh.read(Tables.WORKER_QUALITY)
                .where(col("worker_id").equalTo("bad"))
                .head()
                .<String>getAs("status"))
        .isEqualTo("PAUSED");
    // the export a platform or lead reads: flat CSV with the contract's columns first
    Path out = dir.resolve("wq.csv");
    ok(
        "export",
        "--lakehouse",
        root,
        "--table",
        Tables.WORKER_QUALITY,
        "--format",
        "csv",
        "--out",
        out.toString());
    assertThat(Files.readAllLines(out).get(0))
        .startsWith("project_id,step,worker_id,")
        .contains(
            "gold_answers,gold_correct,accuracy,ci_low,ci_high,",
            ",status,",
            "window_accuracy",
            "recent_accuracy",
            "confusion");
  }
}
