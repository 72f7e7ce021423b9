package io.annolake.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annolake.common.report.ReportSite;
import io.annolake.jobs.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The report of a lakehouse whose project id, step, worker ids, labels and guideline versions are
 * hostile, built by the real jobs and opened in Debian's headless Chromium (driven by Selenium):
 * every chart draws (SVG in the DOM, no console error), links between pages work, and the hostile
 * values show as text and never run. A screenshot of each page is kept under {@code
 * jobs/target/report-screenshots/}.
 */
@Tag("trial")
class ReportBrowserTrialTest {

  static final String PROJECT = "<script>window.__pwned=1</script>";
  static final String STEP = "\"><img src=x onerror=window.__pwned=2>";
  static final String VERSION = "v1<svg onload=window.__pwned=5>";
  static final String JS_WORKER = "javascript:window.__pwned=3";
  static final String RTL_WORKER = "\u05e2\u05d5\u05d1\u05d3-\u0645\u0631\u062d\u0628\u0627";
  static final String EMOJI_WORKER = "w\ud83d\udc77\ud83c\udffd\u200d\u2640\ufe0f";
  static final String LONG_WORKER = "w" + "x".repeat(10_000);
  static final String SCRIPT_LABEL = "</script><script>window.__pwned=4</script>";
  static final String LONG_LABEL = "L".repeat(10_000);

  @TempDir static Path dir;
  static Path site;
  static ChromeDriver driver;

  @BeforeAll
  static void buildTheReportAndStartTheBrowser() throws Exception {
    String lh = dir.resolve("lh").toString();
    Path annotations = dir.resolve("landing/annotations.jsonl");
    Path gold = dir.resolve("landing/gold.jsonl");
    Files.createDirectories(annotations.getParent());
    writeOperation(annotations, gold);
    String date = "2026-03-04";
    CliRun.ok(
        "ingest",
        "--lakehouse",
        lh,
        "--source",
        gold.toString(),
        "--kind",
        "gold",
        "--logical-date",
        date);
    CliRun.ok(
        "ingest", "--lakehouse", lh, "--source", annotations.toString(), "--logical-date", date);
    for (String job :
        List.of("worker-quality", "agreement", "consensus", "anomalies", "operations")) {
      CliRun.ok(job, "--lakehouse", lh, "--logical-date", date);
    }
    site = dir.resolve("site");
    // raw ids: this trial checks that hostile ids are shown escaped (pseudonyms are
    // DemoCommandTest's check)
    Path raw = Files.writeString(dir.resolve("raw-ids.conf"), "annolake.privacy.worker-ids = raw");
    CliRun report =
        CliRun.ok(
            "report",
            "--lakehouse",
            lh,
            "--logical-date",
            date,
            "--days",
            "7",
            "--out",
            site.toString(),
            "--conf",
            raw.toString());
    assertThat(report.out()).contains("index.html");

    driver = HeadlessChromium.start();
  }

  @AfterAll
  static void stopTheBrowser() {
    if (driver != null) {
      driver.quit();
    }
  }

  /**
   * Two projects: a hostile one (its step, guideline version, three of its six workers and two of
   * its labels hostile too) and a plain one; 40 items with 3 answers each over 3 days, every 5th
   * item gold, some pre-labels.
   */
  static void writeOperation(Path annotations, Path gold) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    List<String> goldLines = new ArrayList<>();
    String[] labels = {"cat", "\u05db\u05dc\u05d1 \ud83d\udc36", SCRIPT_LABEL, LONG_LABEL};
    Instant start = Instant.parse("2026-03-02T08:00:00Z");
    for (String project : List.of(PROJECT, "plain")) {
      boolean hostile = project.equals(PROJECT);
      String step = hostile ? STEP : "default";
      String version = hostile ? VERSION : "v1";
      String[] workers =
          hostile
              ? new String[] {JS_WORKER, RTL_WORKER, EMOJI_WORKER, LONG_WORKER, "w5", "w6"}
              : new String[] {"a1", "a2", "a3", "a4", "a5", "a6"};
      int n = 0;
      for (int item = 0; item < 40; item++) {
        String truth = labels[item % labels.length];
        if (item % 5 == 0) {
          ObjectNode g =
              json.createObjectNode()
                  .put("project_id", project)
                  .put("step", step)
                  .put("item_id", "i" + item)
                  .put("label", truth)
                  .put("guideline_version", version);
          goldLines.add(json.writeValueAsString(g));
        }
        for (int k = 0; k < 3; k++) {
          String worker = workers[(item + k) % workers.length];
          // the fifth worker answers badly, so someone is flagged and items are contested
          String label =
              worker.equals("w5") || worker.equals("a5")
                  ? labels[(item + 1) % labels.length]
                  : truth;
          ObjectNode a =
              json.createObjectNode()
                  .put("annotation_id", project.hashCode() + "-" + item + "-" + k)
                  .put("project_id", project)
                  .put("step", step)
                  .put("item_id", "i" + item)
                  .put("worker_id", worker)
                  .put("label", label)
                  .put("guideline_version", version)
                  .put("submitted_at", start.plus(Duration.ofMinutes(47L * n++)).toString())
                  .put("duration_ms", 5_000 + 1_000L * ((item * 7 + k) % 13))
                  .put("cost", "0.05");
          if (item % 3 == 0) {
            a.put("prelabel", truth).put("prelabel_model", hostile ? "model<i>x</i>" : "m1");
          }
          lines.add(json.writeValueAsString(a));
        }
      }
    }
    Files.write(annotations, lines);
    Files.write(gold, goldLines);
  }

  /** Opens a page, waits for every chart to be drawn, checks it, and keeps a screenshot. */
  private static void openAndCheck(Path page, String name) throws Exception {
    driver.get(page.toUri().toString());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Boolean.TRUE.equals(js(HeadlessChromium.CHARTS_DRAWN))) {
      assertThat(System.nanoTime()).as("charts of %s drawn within 30 s", name).isLessThan(deadline);
      Thread.sleep(100);
    }
    List<WebElement> charts = driver.findElements(By.cssSelector("div.chart"));
    for (WebElement chart : charts) {
      assertThat(chart.findElements(By.tagName("svg")))
          .as("chart %s of %s draws an SVG", chart.getAttribute("id"), name)
          .isNotEmpty();
    }
    assertNothingRan(name);
    List<LogEntry> errors =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .toList();
    assertThat(errors).as("console errors on %s", name).isEmpty();
    screenshot(name);
  }

  private static void assertNothingRan(String name) {
    try {
      driver.switchTo().alert();
      throw new AssertionError("an alert opened on " + name);
    } catch (NoAlertPresentException expected) {
      // nothing opened a dialog
    }
    assertThat(js("return typeof window.__pwned"))
        .as("injected script ran on %s", name)
        .isEqualTo("undefined");
    assertThat(
            js(
                "return document.querySelectorAll('img, svg[onload], [onerror], [onload], a[href^=\"javascript\"]').length"))
        .as("injected elements on %s", name)
        .isEqualTo(0L);
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  private static void screenshot(String name) throws Exception {
    Path folder =
        Path.of(
            System.getProperty("annolake.project.root", "."),
            "jobs",
            "target",
            "report-screenshots");
    Files.createDirectories(folder);
    // the top of the page, up to 2,400 px: taller captures timed out on a busy 2-core host
    long height = Math.min(2_400, (Long) js("return document.documentElement.scrollHeight"));
    Dimension before = driver.manage().window().getSize();
    driver.manage().window().setSize(new Dimension(1400, (int) Math.max(height, 800)));
    Files.write(folder.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    driver.manage().window().setSize(before);
  }

  @Test
  void everyPageDrawsItsChartsAndRunsNothingInjected() throws Exception {
    openAndCheck(site.resolve("index.html"), "index");
    openAndCheck(site.resolve(ReportSite.projectFile(PROJECT)), "project-hostile");
    openAndCheck(site.resolve(ReportSite.projectFile("plain")), "project-plain");
    // a project page with data has a chart in every section that has its table (edge_cases is not
    // built here: its section says so)
    driver.get(site.resolve(ReportSite.projectFile("plain")).toUri().toString());
    assertThat(driver.findElements(By.cssSelector("section.section"))).hasSize(7);
    assertThat(driver.findElements(By.cssSelector("div.chart")).size()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void linksLeadFromTheIndexToEveryProjectAndBack() {
    driver.get(site.resolve("index.html").toUri().toString());
    List<WebElement> links = driver.findElements(By.cssSelector("a.project-link"));
    assertThat(links).hasSize(2);
    List<String> texts = links.stream().map(WebElement::getText).toList();
    assertThat(texts).containsExactlyInAnyOrder(PROJECT, "plain");
    for (int i = 0; i < 2; i++) {
      driver.get(site.resolve("index.html").toUri().toString());
      WebElement link = driver.findElements(By.cssSelector("a.project-link")).get(i);
      String project = link.getText();
      link.click();
      assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Project " + project);
      driver.findElement(By.id("back-to-index")).click();
      assertThat(driver.getCurrentUrl()).endsWith("/index.html");
    }
  }

  @Test
  void hostileValuesShowAsText() {
    driver.get(site.resolve(ReportSite.projectFile(PROJECT)).toUri().toString());
    String text = driver.findElement(By.tagName("body")).getText();
    assertThat(text).contains(PROJECT, STEP, JS_WORKER, RTL_WORKER, EMOJI_WORKER, VERSION);
    // long values are cut for display, saying how long they were
    assertThat(text).contains("10,001 characters").doesNotContain("x".repeat(500));
    assertNothingRan("the hostile project's page");
    // the hostile label reached the tables and shows as text
    assertThat(text).contains(SCRIPT_LABEL);
  }
}
