package io.annolake.common.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annolake.common.report.ReportPages.Chart;
import java.util.List;
import java.util.Map;

/**
 * ECharts options for the report's few chart kinds, as data only (no functions): lines over days,
 * bars (grouped or stacked) and intervals (a box from the lower to the upper bound with a line at
 * the estimate). Tooltips render as chart text, not HTML, and long names are truncated by the
 * chart.
 */
public final class Charts {
  private Charts() {}

  /** One line per series over the x values (days). */
  public static Chart lines(
      String id, String title, List<String> x, Map<String, List<Double>> series) {
    ObjectNode option = base(x, "axis");
    ArrayNode all = option.putArray("series");
    series.forEach(
        (name, values) -> {
          ObjectNode s =
              all.addObject()
                  .put("type", "line")
                  .put("name", name)
                  .put("showSymbol", x.size() < 40)
                  .put("connectNulls", false);
          ArrayNode data = s.putArray("data");
          values.forEach(v -> add(data, v));
        });
    return new Chart(id, title, ChartJson.write(option));
  }

  /** Bars per category, one bar per series (side by side, or stacked). */
  public static Chart bars(
      String id,
      String title,
      List<String> categories,
      Map<String, List<Double>> series,
      boolean stacked) {
    ObjectNode option = base(categories, "axis");
    ArrayNode all = option.putArray("series");
    series.forEach(
        (name, values) -> {
          ObjectNode s = all.addObject().put("type", "bar").put("name", name);
          if (stacked) {
            s.put("stack", "total");
          }
          ArrayNode data = s.putArray("data");
          values.forEach(v -> add(data, v));
        });
    return new Chart(id, title, ChartJson.write(option));
  }

  /**
   * An interval per category: a box from low to high with a line at the estimate (ECharts' boxplot
   * series).
   */
  public static Chart intervals(
      String id,
      String title,
      List<String> categories,
      List<double[]> lowEstimateHigh,
      Double reference) {
    ObjectNode option = base(categories, "item");
    ((ObjectNode) option.get("yAxis")).put("min", 0).put("max", 1);
    ArrayNode all = option.putArray("series");
    ObjectNode s = all.addObject().put("type", "boxplot").put("name", "interval");
    ArrayNode data = s.putArray("data");
    for (double[] v : lowEstimateHigh) {
      data.addArray().add(v[0]).add(v[0]).add(v[1]).add(v[2]).add(v[2]);
    }
    if (reference != null) {
      s.putObject("markLine")
          .put("symbol", "none")
          .putArray("data")
          .addObject()
          .put("yAxis", reference)
          .put("name", "threshold");
    }
    return new Chart(id, title, ChartJson.write(option));
  }

  private static ObjectNode base(List<String> categories, String trigger) {
    ObjectNode option = ChartJson.object();
    option.put("animation", false);
    option
        .putObject("tooltip")
        .put("trigger", trigger)
        .put("renderMode", "richText")
        .put("confine", true);
    ObjectNode legend = option.putObject("legend").put("type", "scroll").put("top", 0);
    legend.putObject("textStyle").put("width", 160).put("overflow", "truncate");
    option
        .putObject("grid")
        .put("left", 8)
        .put("right", 16)
        .put("top", 36)
        .put("bottom", 8)
        .put("containLabel", true);
    ObjectNode x = option.putObject("xAxis").put("type", "category");
    categories.forEach(x.putArray("data")::add);
    x.putObject("axisLabel").put("width", 110).put("overflow", "truncate").put("hideOverlap", true);
    option.putObject("yAxis").put("type", "value");
    return option;
  }

  private static void add(ArrayNode data, Double v) {
    if (v == null || v.isNaN() || v.isInfinite()) {
      data.addNull();
    } else {
      data.add(v);
    }
  }
}
