package io.annolake.common.consensus;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.when;

import io.annolake.common.anomaly.AnomalyCode;
import io.annolake.common.anomaly.EntityType;
import io.annolake.common.anomaly.Severity;
import io.annolake.common.config.ConfigException;
import io.annolake.common.schema.Columns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Flags that act: which anomaly flags leave answers out of the consensus fit (as paused workers'
 * answers are left out), and which answers each flag covers. An annotation flag covers its answer;
 * a worker flag the worker's answers in the flag's step and window (a BURST only those inside the
 * burst); a colluding pair each worker's answers in the window on items both of them answered. Item
 * flags (CONTESTED_ITEM) cover nothing: leaving out every answer of a hard item decides nothing.
 */
public final class FlagExclusions {
  private FlagExclusions() {}

  /** Flags with this code at this severity or above leave their answers out. */
  public record Rule(AnomalyCode code, Severity atLeast) implements Serializable {}

  /**
   * Parses {@code CODE} (any severity) or {@code CODE:SEVERITY} entries; {@code key} names the
   * setting in errors.
   */
  public static List<Rule> parse(List<String> entries, String key) {
    List<Rule> rules = new ArrayList<>();
    for (String entry : entries) {
      String[] parts = entry.trim().toUpperCase(Locale.ROOT).split(":", -1);
      AnomalyCode code;
      Severity severity;
      try {
        code = AnomalyCode.valueOf(parts[0].trim());
        severity = parts.length > 1 ? Severity.valueOf(parts[1].trim()) : Severity.LOW;
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "Invalid value '"
                + entry
                + "' for '"
                + key
                + "': expected CODE or CODE:SEVERITY with a code of "
                + List.of(AnomalyCode.values())
                + " and LOW, MEDIUM or HIGH");
      }
      if (parts.length > 2 || code.entity() == EntityType.ITEM) {
        throw new ConfigException(
            "Invalid value '"
                + entry
                + "' for '"
                + key
                + "': "
                + (parts.length > 2
                    ? "expected CODE or CODE:SEVERITY"
                    : code + " is about an item, not about answers"));
      }
      rules.add(new Rule(code, severity));
    }
    return List.copyOf(rules);
  }

  /** Whether a flag row (code, severity) matches a rule. */
  static Column matches(List<Rule> rules) {
    Column any = lit(false);
    for (Rule r : rules) {
      List<Object> severities = new ArrayList<>();
      for (Severity s : Severity.values()) {
        if (s.compareTo(r.atLeast()) >= 0) {
          severities.add(s.name());
        }
      }
      any =
          any.or(
              col(Columns.CODE)
                  .equalTo(r.code().name())
                  .and(col(Columns.SEVERITY).isin(severities.toArray())));
    }
    return any;
  }

  /**
   * The answers the matching flags cover: one row per annotation ({@code project_id}, {@code
   * annotation_id}, {@code flag_ids} sorted). Flags are few (per worker, pair or flagged answer),
   * so they are broadcast and the annotations are read without a shuffle; only the colluders'
   * answers meet in a join.
   *
   * @param annotations rows with annotation_id, project_id, step, item_id, worker_id, submitted_at
   * @param flags anomaly_flags rows (flag_id, entity_type, entity_id, project_id, step, code,
   *     severity, evidence, window_start, window_end), or null (no table yet: null is returned)
   */
  public static Dataset<Row> flaggedAnswers(
      Dataset<Row> annotations, Dataset<Row> flags, List<Rule> rules) {
    if (flags == null || rules.isEmpty()) {
      return null;
    }
    Dataset<Row> acting = flags.where(matches(rules));
    Dataset<Row> answers =
        annotations.select(
            col(Columns.ANNOTATION_ID),
            col(Columns.PROJECT_ID),
            col(Columns.STEP),
            col(Columns.ITEM_ID),
            col(Columns.WORKER_ID),
            col(Columns.SUBMITTED_AT));

    Dataset<Row> onAnswers =
        acting
            .where(col(Columns.ENTITY_TYPE).equalTo(EntityType.ANNOTATION.value()))
            .select(
                col(Columns.PROJECT_ID),
                col(Columns.ENTITY_ID).as(Columns.ANNOTATION_ID),
                col(Columns.FLAG_ID));

    Column burstStart = to_timestamp(get_json_object(col(Columns.EVIDENCE), "$.window_start"));
    Column burstMillis = get_json_object(col(Columns.EVIDENCE), "$.window_ms").cast("long");
    Dataset<Row> workerFlags =
        acting
            .where(col(Columns.ENTITY_TYPE).equalTo(EntityType.WORKER.value()))
            .select(
                col(Columns.PROJECT_ID).as("f_project"),
                col(Columns.STEP).as("f_step"),
                col(Columns.ENTITY_ID).as("f_worker"),
                col(Columns.FLAG_ID),
                col(Columns.WINDOW_START),
                col(Columns.WINDOW_END),
                when(col(Columns.CODE).equalTo(AnomalyCode.BURST.name()), burstStart)
                    .as("burst_start"),
                when(col(Columns.CODE).equalTo(AnomalyCode.BURST.name()), burstMillis)
                    .as("burst_ms"));
    // seconds since the epoch, with the fraction: the burst window is [start, start + window_ms)
    Column at = col(Columns.SUBMITTED_AT).cast("double");
    Column from = col("burst_start").cast("double");
    Column inBurst = at.geq(from).and(at.lt(from.plus(col("burst_ms").divide(1000.0))));
    Dataset<Row> onWorkers =
        answers
            .join(
                broadcast(workerFlags),
                sameTask("f_worker")
                    .and(when(col("burst_start").isNotNull(), inBurst).otherwise(inWindow())))
            .select(col(Columns.PROJECT_ID), col(Columns.ANNOTATION_ID), col(Columns.FLAG_ID));

    // A pair flag, once per worker of the pair with the other as partner.
    Dataset<Row> pairs =
        acting
            .where(col(Columns.ENTITY_TYPE).equalTo(EntityType.WORKER_PAIR.value()))
            .select(
                col(Columns.PROJECT_ID).as("f_project"),
                col(Columns.STEP).as("f_step"),
                col(Columns.FLAG_ID),
                col(Columns.WINDOW_START),
                col(Columns.WINDOW_END),
                org.apache
                    .spark
                    .sql
                    .functions
                    .explode(
                        array(
                            struct(
                                get_json_object(col(Columns.EVIDENCE), "$.worker_a").as("w"),
                                get_json_object(col(Columns.EVIDENCE), "$.worker_b").as("p")),
                            struct(
                                get_json_object(col(Columns.EVIDENCE), "$.worker_b").as("w"),
                                get_json_object(col(Columns.EVIDENCE), "$.worker_a").as("p"))))
                    .as("pair"))
            .select(
                col("f_project"),
                col("f_step"),
                col(Columns.FLAG_ID),
                col(Columns.WINDOW_START),
                col(Columns.WINDOW_END),
                col("pair.w").as("f_worker"),
                col("pair.p").as("partner"));
    Dataset<Row> pairAnswers =
        answers
            .join(broadcast(pairs), sameTask("f_worker").and(inWindow()))
            .select(
                col(Columns.ANNOTATION_ID),
                col(Columns.PROJECT_ID),
                col(Columns.STEP),
                col(Columns.ITEM_ID),
                col("partner"),
                col(Columns.FLAG_ID));
    // Each colluder's answers on items the partner answered too: the pairs' own answers meet,
    // nobody else's.
    Dataset<Row> onPairs =
        pairAnswers
            .as("x")
            .join(
                pairAnswers.as("y"),
                col("x.project_id")
                    .equalTo(col("y.project_id"))
                    .and(col("x.step").equalTo(col("y.step")))
                    .and(col("x.item_id").equalTo(col("y.item_id")))
                    .and(col("x.flag_id").equalTo(col("y.flag_id")))
                    .and(col("x.partner").notEqual(col("y.partner"))),
                "left_semi")
            .select(col(Columns.PROJECT_ID), col(Columns.ANNOTATION_ID), col(Columns.FLAG_ID));

    return onAnswers
        .unionByName(onWorkers)
        .unionByName(onPairs)
        // annotation ids are unique within a project only
        .groupBy(col(Columns.PROJECT_ID), col(Columns.ANNOTATION_ID))
        .agg(sort_array(collect_set(col(Columns.FLAG_ID))).as("flag_ids"));
  }

  private static Column sameTask(String workerColumn) {
    return col(Columns.PROJECT_ID)
        .equalTo(col("f_project"))
        .and(col(Columns.STEP).equalTo(col("f_step")))
        .and(col(Columns.WORKER_ID).equalTo(col(workerColumn)));
  }

  /** Submitted within the flag's window (UTC days, both ends included). */
  private static Column inWindow() {
    Column day = to_date(col(Columns.SUBMITTED_AT));
    return day.geq(col(Columns.WINDOW_START)).and(day.leq(col(Columns.WINDOW_END)));
  }
}
