package io.annolake.common.report;

import java.util.List;

/** The report's page model: what the templates render, all text already formatted. */
public final class ReportPages {
  private ReportPages() {}

  /**
   * A table of text cells; {@code note} says what was left out (e.g. rows beyond a cap), or null.
   */
  public record Table(String caption, List<String> headers, List<List<String>> rows, String note) {
    public Table {
      headers = List.copyOf(headers);
      rows = rows.stream().map(List::copyOf).toList();
    }
  }

  /** A chart: its element id and the ECharts option as script-safe JSON ({@link ChartJson}). */
  public record Chart(String id, String title, String optionJson) {}

  /**
   * A section of a project page; {@code missing} names the tables it needs that do not exist yet
   * (then it has no tables or charts and says so).
   */
  public record Section(
      String id,
      String title,
      String missing,
      List<String> notes,
      List<Chart> charts,
      List<Table> tables) {
    public Section {
      notes = List.copyOf(notes);
      charts = List.copyOf(charts);
      tables = List.copyOf(tables);
    }

    /** A section whose input table does not exist yet. */
    public static Section missing(String id, String title, List<String> tables) {
      return new Section(id, title, String.join(", ", tables), List.of(), List.of(), List.of());
    }
  }

  /** One table read: its version, and the run that wrote that version (null when unknown). */
  public record TableRead(
      String table, long version, String runId, String job, String codeVersion) {}

  /** Where the figures come from: every table and version read, the runs, the code and settings. */
  public record Provenance(
      String runId,
      String logicalDate,
      String generatedAt,
      String codeVersion,
      String configHash,
      List<TableRead> reads,
      List<String> absent) {
    public Provenance {
      reads = List.copyOf(reads);
      absent = List.copyOf(absent);
    }
  }

  /** A project's line on the index page. */
  public record ProjectLink(String projectId, String file, List<String> figures) {}

  /** The index page. */
  public record Index(
      String title,
      String logicalDate,
      int days,
      List<String> figureHeaders,
      List<ProjectLink> projects,
      List<Chart> charts,
      Provenance provenance) {}

  /** A project page. */
  public record ProjectPage(
      String title,
      String projectId,
      String logicalDate,
      int days,
      List<Section> sections,
      Provenance provenance) {}
}
