package io.annolake.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * How long the pages of a written report take to open in headless Chromium: each page three times,
 * from the request to the load event (the browser's navigation timing) and to every chart drawn (a
 * wall clock around the WebDriver call, so an upper bound). A measuring tool, not a check of time:
 * {@code mvn -Ptrials test -pl common,jobs -am -Dtest=ReportPageTimingTrial
 * -Dannolake.report.site=DIR} with DIR the folder of a report's index.html (`bench report` leaves
 * one); skipped without it.
 */
@Tag("trial")
class ReportPageTimingTrial {
  @Test
  void pagesOfAWrittenReport() throws Exception {
    String site = System.getProperty("annolake.report.site");
    assumeTrue(site != null, "-Dannolake.report.site=DIR names the report to time");
    List<Path> pages;
    try (Stream<Path> files = Files.list(Path.of(site))) {
      pages = files.filter(p -> p.toString().endsWith(".html")).sorted().toList();
    }
    assertThat(pages).as("html pages in %s", site).isNotEmpty();
    ChromeDriver driver = HeadlessChromium.start();
    try {
      JavascriptExecutor js = driver;
      for (Path page : pages) {
        for (int round = 1; round <= 3; round++) {
          long t0 = System.nanoTime();
          driver.get(page.toUri().toString());
          long deadline = t0 + Duration.ofSeconds(60).toNanos();
          while (!Boolean.TRUE.equals(js.executeScript(HeadlessChromium.CHARTS_DRAWN))) {
            assertThat(System.nanoTime()).as("charts of %s drawn", page).isLessThan(deadline);
            Thread.sleep(10);
          }
          long drawn = (System.nanoTime() - t0) / 1_000_000;
          Object load =
              js.executeScript(
                  "var n = performance.getEntriesByType('navigation')[0];"
                      + " return Math.round(n.loadEventEnd - n.startTime);");
          long bytes = Files.size(page);
          System.out.printf(
              "page-timing %s round %d: load event %s ms, charts drawn %d ms (%,d bytes)%n",
              page.getFileName(), round, load, drawn, bytes);
        }
      }
    } finally {
      driver.quit();
    }
  }
}
