package io.annolake.common.report;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.WriterOutput;
import io.annolake.common.report.ReportPages.Index;
import io.annolake.common.report.ReportPages.ProjectPage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the report as a static site: {@code index.html}, one page per project, and {@code assets/}
 * (ECharts' bundled file from its webjar, the page script and the style sheet). Pages are rendered
 * by jte templates (precompiled from {@code src/main/jte}) with HTML escaping by context; nothing
 * is fetched from the network when a page opens.
 */
public final class ReportSite {
  /** Where the ECharts webjar keeps its bundled, minified file. */
  static final String ECHARTS =
      "META-INF/resources/webjars/echarts/" + echartsVersion() + "/dist/echarts.min.js";

  static final String TEMPLATE_PACKAGE = "io.annolake.common.report.jte";

  private static final TemplateEngine ENGINE =
      TemplateEngine.createPrecompiled(
          null, ContentType.Html, ReportSite.class.getClassLoader(), TEMPLATE_PACKAGE);

  private ReportSite() {}

  /**
   * The file name of a project's page: a readable part and a hash, so any project id gives a safe,
   * distinct name.
   */
  public static String projectFile(String projectId) {
    String readable = projectId.replaceAll("[^A-Za-z0-9_-]", "_");
    if (readable.length() > 40) {
      readable = readable.substring(0, 40);
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(projectId.getBytes(StandardCharsets.UTF_8));
      return "project-" + readable + "-" + HexFormat.of().formatHex(hash, 0, 4) + ".html";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the site into {@code dir} (created if needed) and returns the path of index.html. */
  public static Path write(Path dir, Index index, List<ProjectPage> pages) {
    try {
      Files.createDirectories(dir.resolve("assets"));
      copyResource(ECHARTS, dir.resolve("assets/echarts.min.js"));
      copyResource("io/annolake/report/report.js", dir.resolve("assets/report.js"));
      copyResource("io/annolake/report/report.css", dir.resolve("assets/report.css"));
      for (ProjectPage page : pages) {
        render("report/project.jte", page, dir.resolve(projectFile(page.projectId())));
      }
      Path out = dir.resolve("index.html");
      render("report/index.jte", index, out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the report into " + dir, e);
    }
  }

  /** A page as HTML text (tests read it without writing files). */
  public static String html(Object page) {
    gg.jte.output.StringOutput out = new gg.jte.output.StringOutput();
    ENGINE.render(page instanceof Index ? "report/index.jte" : "report/project.jte", page, out);
    return out.toString();
  }

  private static void render(String template, Object page, Path file) throws IOException {
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      ENGINE.render(template, page, new WriterOutput(writer));
    }
  }

  private static void copyResource(String resource, Path target) throws IOException {
    try (InputStream in = ReportSite.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("Resource " + resource + " is not on the classpath");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String echartsVersion() {
    try (InputStream in =
        ReportSite.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "5.3.1");
    } catch (IOException e) {
      return "5.3.1";
    }
  }
}
