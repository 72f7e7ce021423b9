package io.annolake.common.consensus;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.annolake.common.aggregation.spark.SparkAggregation;
import io.annolake.common.schema.Columns;
import io.annolake.common.schema.rows.GuidelineRow;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Instruction debt: which answers a newer guideline version supersedes. Versions of a step are
 * ordered by effective time; an answer under an older version is superseded when a later version's
 * relabel policy covers it: {@code all} covers every answer, {@code affected} the answers that gave
 * a label the later version removed or redefined, {@code none} nothing. Consensus leaves superseded
 * answers out: only answers under versions nobody superseded count once there are enough of them;
 * otherwise the item waits as PENDING_RELABEL and goes to {@code relabel_queue}.
 */
public final class GuidelineVersions {
  private GuidelineVersions() {}

  /** Which items answered under earlier versions a new version sends back for relabeling. */
  public enum RelabelPolicy {
    NONE,
    AFFECTED,
    ALL
  }

  /** One guideline version of a step; {@code changed} holds the labels it removed or redefined. */
  public record Version(
      String project,
      String step,
      String version,
      Instant effectiveAt,
      Set<String> changed,
      RelabelPolicy policy)
      implements Serializable {}

  /**
   * The answers of an older version that later versions supersede: all, or those with these labels.
   */
  public record Coverage(boolean all, Set<String> labels) implements Serializable {}

  /** A step's newest version and, per older version that later ones cover, what they cover. */
  public record StepRule(String newest, Map<String, Coverage> superseded) implements Serializable {}

  /** Rules per {@link SparkAggregation#taskKey}, from every version of every step (pure). */
  public static Map<String, StepRule> rules(List<Version> versions) {
    Map<String, List<Version>> byStep = new LinkedHashMap<>();
    for (Version v : versions) {
      byStep
          .computeIfAbsent(SparkAggregation.taskKey(v.project(), v.step()), k -> new ArrayList<>())
          .add(v);
    }
    Map<String, StepRule> out = new HashMap<>();
    byStep.forEach(
        (key, list) -> {
          list.sort(Comparator.comparing(Version::effectiveAt).thenComparing(Version::version));
          Map<String, Coverage> covered = new LinkedHashMap<>();
          for (int i = 0; i < list.size() - 1; i++) {
            boolean all = false;
            Set<String> labels = new TreeSet<>();
            for (Version later : list.subList(i + 1, list.size())) {
              all |= later.policy() == RelabelPolicy.ALL;
              if (later.policy() == RelabelPolicy.AFFECTED) {
                labels.addAll(later.changed());
              }
            }
            if (all || !labels.isEmpty()) {
              covered.put(
                  list.get(i).version(), new Coverage(all, all ? Set.of() : Set.copyOf(labels)));
            }
          }
          out.put(key, new StepRule(list.get(list.size() - 1).version(), Map.copyOf(covered)));
        });
    return out;
  }

  /** The guidelines table's versions (a handful per step: collected to the driver). */
  public static List<Version> collect(Dataset<Row> guidelines) {
    List<Version> out = new ArrayList<>();
    for (GuidelineRow g : GuidelineRow.READER.collect(guidelines)) {
      Set<String> changed = new TreeSet<>(g.labelsRemoved());
      changed.addAll(g.labelsRedefined());
      String policy = g.relabelPolicy() == null ? "none" : g.relabelPolicy();
      out.add(
          new Version(
              g.projectId(),
              g.step(),
              g.guidelineVersion(),
              g.effectiveAt(),
              changed,
              RelabelPolicy.valueOf(policy.toUpperCase(Locale.ROOT))));
    }
    return out;
  }

  /**
   * Whether an answer row (project_id, step, guideline_version, label) is superseded under the
   * rules.
   */
  public static Column superseded(Map<String, StepRule> rules, Map<String, String[]> taskNames) {
    Column any = lit(false);
    for (Map.Entry<String, StepRule> e : rules.entrySet()) {
      String[] task = taskNames.get(e.getKey());
      for (Map.Entry<String, Coverage> v : e.getValue().superseded().entrySet()) {
        Column answers =
            col(Columns.PROJECT_ID)
                .equalTo(task[0])
                .and(col(Columns.STEP).equalTo(task[1]))
                .and(col(Columns.GUIDELINE_VERSION).equalTo(v.getKey()));
        Coverage c = v.getValue();
        any =
            any.or(c.all() ? answers : answers.and(col(Columns.LABEL).isin(c.labels().toArray())));
      }
    }
    return any;
  }

  /** Project and step of each task key of the versions. */
  public static Map<String, String[]> taskNames(List<Version> versions) {
    Map<String, String[]> out = new HashMap<>();
    versions.forEach(
        v ->
            out.put(
                SparkAggregation.taskKey(v.project(), v.step()),
                new String[] {v.project(), v.step()}));
    return out;
  }
}
