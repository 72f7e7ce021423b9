package io.annolake.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/** Debian's headless Chromium through its chromedriver, on loopback; the caller quits it. */
final class HeadlessChromium {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  /** A page's script that is true once the page is loaded and every chart has drawn. */
  static final String CHARTS_DRAWN =
      "var c = document.querySelectorAll('div.chart'); for (var i = 0; i < c.length; i++) {"
          + " if (c[i].getAttribute('data-rendered') !== 'true') return false; }"
          + " return document.readyState === 'complete';";

  private HeadlessChromium() {}

  static ChromeDriver start() {
    assertThat(new File(CHROMIUM))
        .as("install Debian's chromium and chromium-driver (.ci/run does)")
        .exists();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }
}
