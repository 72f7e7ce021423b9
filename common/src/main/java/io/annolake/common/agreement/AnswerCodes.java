package io.annolake.common.agreement;

import java.io.Serializable;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Small-integer codes for the strings of the answers (unit groups, workers, labels), so every pass
 * over the grouped units works on ints. Codes follow string order: workers sorted by id, each
 * group's labels sorted, so comparing codes compares strings.
 *
 * <p>A unit group is a (project, step, guideline version, day) with version and day null when not
 * sliced by; a slice is a group without the step when not sliced by step. Built on the driver from
 * the partitions' dictionaries ({@link UnitBlock.Dictionary}) and broadcast: its size is the
 * distinct workers plus the distinct labels per group.
 */
public final class AnswerCodes implements Serializable {
  /** A unit group's strings; items are units within one. */
  public record Group(String project, String step, String guidelineVersion, String day)
      implements Serializable {}

  private final Group[] groups;
  private final HashMap<Group, Integer> groupCodes = new HashMap<>();
  private final String[] workers;
  private final HashMap<String, Integer> workerCodes = new HashMap<>();
  private final String[][] labels;
  private final List<HashMap<String, Integer>> labelCodes = new ArrayList<>();
  private final SliceKey[] slices;
  private final int[] sliceOfGroup;

  /**
   * @param groupLabels each unit group with the labels its answers use
   * @param workerIds every worker id (any order, duplicates allowed)
   * @param byStep whether slices keep the step
   */
  public AnswerCodes(
      Map<Group, ? extends Iterable<String>> groupLabels,
      Iterable<String> workerIds,
      boolean byStep) {
    groups = groupLabels.keySet().toArray(Group[]::new);
    labels = new String[groups.length][];
    Map<SliceKey, Integer> sliceCodes = new HashMap<>();
    List<SliceKey> sliceList = new ArrayList<>();
    sliceOfGroup = new int[groups.length];
    for (int g = 0; g < groups.length; g++) {
      Group group = groups[g];
      groupCodes.put(group, g);
      TreeSet<String> sorted = new TreeSet<>();
      groupLabels.get(group).forEach(sorted::add);
      labels[g] = sorted.toArray(String[]::new);
      HashMap<String, Integer> codes = new HashMap<>();
      for (int l = 0; l < labels[g].length; l++) {
        codes.put(labels[g][l], l);
      }
      labelCodes.add(codes);
      SliceKey slice =
          new SliceKey(
              group.project(), byStep ? group.step() : null, group.guidelineVersion(), group.day());
      sliceOfGroup[g] =
          sliceCodes.computeIfAbsent(
              slice,
              s -> {
                sliceList.add(s);
                return sliceList.size() - 1;
              });
    }
    slices = sliceList.toArray(SliceKey[]::new);
    TreeSet<String> sortedWorkers = new TreeSet<>();
    workerIds.forEach(sortedWorkers::add);
    workers = sortedWorkers.toArray(String[]::new);
    for (int w = 0; w < workers.length; w++) {
      workerCodes.put(workers[w], w);
    }
  }

  /** The code of a unit group, or -1. */
  public int group(String project, String step, String guidelineVersion, String day) {
    Integer g = groupCodes.get(new Group(project, step, guidelineVersion, day));
    return g == null ? -1 : g;
  }

  public Group group(int g) {
    return groups[g];
  }

  public int groups() {
    return groups.length;
  }

  /** The code of a worker id, or -1. */
  public int worker(String id) {
    Integer w = workerCodes.get(id);
    return w == null ? -1 : w;
  }

  public String workerId(int w) {
    return workers[w];
  }

  /** Number of distinct workers. */
  public int workers() {
    return workers.length;
  }

  /** The code of a label within its group, or -1. */
  public int label(int group, String label) {
    Integer l = labelCodes.get(group).get(label);
    return l == null ? -1 : l;
  }

  public String label(int group, int code) {
    return labels[group][code];
  }

  /** Number of label codes of a group. */
  public int labels(int group) {
    return labels[group].length;
  }

  /** The slice a group belongs to. */
  public int slice(int group) {
    return sliceOfGroup[group];
  }

  public SliceKey sliceKey(int s) {
    return slices[s];
  }

  public int slices() {
    return slices.length;
  }

  /** The slice columns (project_id, step, guideline_version, day as a date) of slice s. */
  Object[] sliceColumns(int s) {
    return slices[s].columns();
  }

  /** The group columns (project_id, step, guideline_version, day as a date) of group g. */
  Object[] groupColumns(int g) {
    Group x = groups[g];
    return new Object[] {
      x.project(), x.step(), x.guidelineVersion(), x.day() == null ? null : Date.valueOf(x.day())
    };
  }

  @Override
  public String toString() {
    return "AnswerCodes["
        + groups.length
        + " groups, "
        + slices.length
        + " slices, "
        + workers.length
        + " workers, labels "
        + Arrays.deepToString(labels)
        + "]";
  }
}
