package io.annolake.common.agreement;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The categories of one slice in their order: the label schema's order when there is one (labels it
 * does not list follow, sorted), else numeric order when every label is a number, else string
 * order. The order matters only at the ordinal level; numeric values at interval and ratio.
 */
public final class Categories implements Serializable {
  private final List<String> labels;
  private final Map<String, Integer> index;
  private final double[] values;

  private Categories(List<String> labels) {
    this.labels = List.copyOf(labels);
    this.index = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      index.put(labels.get(i), i);
    }
    this.values = numeric(labels);
  }

  /** Categories of the observed labels, ordered by {@code schemaOrder} when not null or empty. */
  public static Categories of(Collection<String> observed, List<String> schemaOrder) {
    LinkedHashSet<String> ordered = new LinkedHashSet<>();
    if (schemaOrder != null) {
      ordered.addAll(schemaOrder);
    }
    TreeSet<String> rest = new TreeSet<>(naturalOrder(observed));
    for (String label : observed) {
      if (!ordered.contains(label)) {
        rest.add(label);
      }
    }
    ordered.addAll(rest);
    return new Categories(new ArrayList<>(ordered));
  }

  /** Categories of the observed labels in natural (numeric, else string) order. */
  public static Categories of(Collection<String> observed) {
    return of(observed, null);
  }

  private static Comparator<String> naturalOrder(Collection<String> labels) {
    boolean allNumeric = labels.stream().allMatch(l -> parse(l) != null);
    Comparator<String> byString = Comparator.naturalOrder();
    return allNumeric
        ? Comparator.<String>comparingDouble(Categories::parse).thenComparing(byString)
        : byString;
  }

  private static Double parse(String label) {
    try {
      double v = Double.parseDouble(label.trim());
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static double[] numeric(List<String> labels) {
    double[] out = new double[labels.size()];
    for (int i = 0; i < out.length; i++) {
      Double v = parse(labels.get(i));
      if (v == null) {
        return null;
      }
      out[i] = v;
    }
    return out;
  }

  public int size() {
    return labels.size();
  }

  public List<String> labels() {
    return labels;
  }

  public String label(int i) {
    return labels.get(i);
  }

  /** The index of a label, or -1 when it is not one of these categories. */
  public int indexOf(String label) {
    Integer i = index.get(label);
    return i == null ? -1 : i;
  }

  /** Whether every label is a number (needed at the interval and ratio levels). */
  public boolean isNumeric() {
    return values != null;
  }

  /** The numeric value of category {@code i}; only when {@link #isNumeric()}. */
  public double value(int i) {
    return values[i];
  }
}
