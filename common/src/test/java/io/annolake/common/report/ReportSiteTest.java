package io.annolake.common.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annolake.common.report.ReportPages.Chart;
import io.annolake.common.report.ReportPages.Index;
import io.annolake.common.report.ReportPages.ProjectLink;
import io.annolake.common.report.ReportPages.ProjectPage;
import io.annolake.common.report.ReportPages.Provenance;
import io.annolake.common.report.ReportPages.Section;
import io.annolake.common.report.ReportPages.Table;
import io.annolake.common.report.ReportPages.TableRead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's HTML without a browser: hostile values escaped in every context, sections present,
 * files written.
 */
class ReportSiteTest {
  static final String SCRIPT = "<script>window.__pwned=1</script>";
  static final String IMG = "\"><img src=x onerror=window.__pwned=2>";
  static final String JS_LINK = "javascript:window.__pwned=3";
  static final String RTL = "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627";
  static final String EMOJI = "\ud83d\ude00\ud83d\udc4d\ud83c\udffd";

  private static Provenance provenance() {
    return new Provenance(
        "run-1",
        "2026-12-05",
        "2026-12-05T00:00:00Z",
        "v1",
        "abc",
        List.of(new TableRead("consensus_labels", 3, SCRIPT, "consensus", "v1")),
        List.of("escalations"));
  }

  private static ProjectPage page(String project) {
    Chart chart =
        Charts.bars(
            "c1",
            "Chart " + SCRIPT,
            List.of(SCRIPT, IMG, "x".repeat(10_000)),
            Map.of(IMG, List.of(1.0, 2.0, 3.0)),
            true);
    Section full =
        new Section(
            "status",
            "Labeling status",
            null,
            List.of("note " + SCRIPT),
            List.of(chart),
            List.of(
                new Table(
                    "Caption " + IMG,
                    List.of("step", "label"),
                    List.of(
                        List.of(Display.text(SCRIPT), Display.text(IMG)),
                        List.of(
                            JS_LINK, Display.text(RTL + " " + EMOJI + " " + "y".repeat(10_000)))),
                    null)));
    Section missing = Section.missing("anomalies", "Anomaly flags", List.of("anomaly_flags"));
    return new ProjectPage("t", project, "2026-12-05", 28, List.of(full, missing), provenance());
  }

  @Test
  void hostileValuesAreEscapedInTextAttributesAndChartData() throws Exception {
    String project = SCRIPT + IMG;
    String html = ReportSite.html(page(project));
    // no markup from values: every < of a value is an entity, so the only tags are the template's
    assertThat(html).doesNotContain("<script>window", "<img", "onerror=window.__pwned=2>");
    assertThat(html).contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;");
    assertThat(html).contains(JS_LINK); // shown as text
    assertThat(html).doesNotContain("href=\"javascript");
    assertThat(html).contains(RTL, EMOJI);
    // the 10,000-character value is cut, saying how long it was
    assertThat(html)
        .contains("\u2026 (10,0")
        .contains(" characters)")
        .doesNotContain("y".repeat(200));
    // the chart option survives the attribute and parses back to the same values
    Matcher m = Pattern.compile("data-option=\"([^\"]*)\"").matcher(html);
    assertThat(m.find()).isTrue();
    String attribute = m.group(1);
    assertThat(attribute).doesNotContain("<", ">");
    String json = org.apache.commons.text.StringEscapeUtils.unescapeHtml4(attribute);
    JsonNode option = new ObjectMapper().readTree(json);
    assertThat(option.at("/xAxis/data/0").asText()).isEqualTo(SCRIPT);
    assertThat(option.at("/xAxis/data/1").asText()).isEqualTo(IMG);
    assertThat(option.at("/series/0/name").asText()).isEqualTo(IMG);
    assertThat(option.at("/tooltip/renderMode").asText()).isEqualTo("richText");
  }

  @Test
  void everySectionIsPresentAndAMissingTableIsSaidSo() {
    String html = ReportSite.html(page("p1"));
    assertThat(html)
        .contains("id=\"status\"", "id=\"anomalies\"", "href=\"#status\"", "href=\"#anomalies\"");
    assertThat(html)
        .contains("Not available yet: table anomaly_flags does not exist in this lakehouse.");
    assertThat(html)
        .contains(
            "id=\"provenance\"",
            "run-1",
            "config hash",
            "consensus_labels",
            "Tables not in the lakehouse yet: escalations");
    assertThat(html).contains("href=\"index.html\"", "src=\"assets/echarts.min.js\"");
    assertThat(html).doesNotContain("http://", "https://");
  }

  @Test
  void chartJsonCannotCloseItsElement() {
    String json = ChartJson.write(ChartJson.object().put("name", "</script><!-- & \u2028 '\""));
    assertThat(json)
        .doesNotContain("</", "<!--", "&", "\u2028", "'")
        .contains("\\u003c\\u002fscript\\u003e");
  }

  @Test
  void projectFilesAreSafeAndDistinct() {
    String a = ReportSite.projectFile(SCRIPT);
    String b = ReportSite.projectFile(IMG);
    String c = ReportSite.projectFile("../../etc/passwd");
    for (String f :
        List.of(
            a,
            b,
            c,
            ReportSite.projectFile("x".repeat(10_000)),
            ReportSite.projectFile(RTL + EMOJI))) {
      assertThat(f).matches("project-[A-Za-z0-9_-]{0,40}-[0-9a-f]{8}\\.html");
    }
    assertThat(a).isNotEqualTo(b);
    assertThat(ReportSite.projectFile("p/1")).isNotEqualTo(ReportSite.projectFile("p_1"));
  }

  @Test
  void writesAFolderWithTheIndexPagesAndAssets(@TempDir Path dir) throws Exception {
    ProjectPage page = page("p1");
    Index index =
        new Index(
            "annolake quality report",
            "2026-12-05",
            28,
            List.of("answers"),
            List.of(new ProjectLink("p1", ReportSite.projectFile("p1"), List.of("12"))),
            List.of(),
            provenance());
    Path written = ReportSite.write(dir, index, List.of(page));
    assertThat(written).isEqualTo(dir.resolve("index.html"));
    assertThat(Files.readString(written)).contains("href=\"" + ReportSite.projectFile("p1") + "\"");
    assertThat(dir.resolve(ReportSite.projectFile("p1"))).exists();
    assertThat(Files.size(dir.resolve("assets/echarts.min.js"))).isGreaterThan(500_000);
    assertThat(dir.resolve("assets/report.js")).exists();
    assertThat(dir.resolve("assets/report.css")).exists();
  }
}
