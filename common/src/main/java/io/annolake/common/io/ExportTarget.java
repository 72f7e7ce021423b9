package io.annolake.common.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.annolake.common.config.ConfigException;
import io.annolake.common.privacy.Redaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where an export writes, and whether it may replace what is there. An export replaces only an
 * earlier export of the same table (recognised by a marker it leaves: {@value #MARKER} inside a
 * folder, a hidden {@code .<name>.annolake-export} beside a single file) unless the user says
 * {@code --overwrite}; the lakehouse itself, a folder holding it or inside it, and any Delta table
 * are refused even then, so a mistyped {@code --out} never deletes data.
 */
public final class ExportTarget {
  /** The marker file inside an export folder (Spark's readers skip names starting with '_'). */
  public static final String MARKER = "_ANNOLAKE_EXPORT";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether an existing target that is not an earlier export of the same table may be replaced. */
  public enum Replace {
    /** Only an earlier export of the same table (the default). */
    SAME_TABLE_ONLY,
    /** Anything but the lakehouse or a Delta table ({@code --overwrite}). */
    ANYTHING_ELSE
  }

  private final FileSystem fs;
  private final Path target;
  private final boolean singleFile;

  private ExportTarget(FileSystem fs, Path target, boolean singleFile) {
    this.fs = fs;
    this.target = target;
    this.singleFile = singleFile;
  }

  /**
   * Checks that {@code out} may be written with an export of {@code table}: a ConfigException
   * naming {@code --out} or {@code --overwrite} when not.
   */
  public static ExportTarget check(
      Configuration hadoop,
      String out,
      boolean singleFile,
      String table,
      String lakehouseRoot,
      Replace replace) {
    try {
      Path raw = new Path(out);
      FileSystem fs = raw.getFileSystem(hadoop);
      Path target = fs.makeQualified(raw);
      Path root = new Path(lakehouseRoot);
      root = root.getFileSystem(hadoop).makeQualified(root);
      String shown = Redaction.uri(out);
      if (within(target, root) || within(root, target)) {
        throw new ConfigException(
            "Invalid value '"
                + shown
                + "' for option '--out': it is, holds or lies inside the lakehouse "
                + Redaction.uri(root.toString())
                + "; exports go elsewhere");
      }
      ExportTarget t = new ExportTarget(fs, target, singleFile);
      if (!fs.exists(target) || table.equals(t.markedTable())) {
        return t;
      }
      if (fs.getFileStatus(target).isDirectory() && fs.exists(new Path(target, "_delta_log"))) {
        throw new ConfigException(
            "Invalid value '"
                + shown
                + "' for option '--out': it is a Delta table; exports never replace one");
      }
      if (replace == Replace.SAME_TABLE_ONLY) {
        throw new ConfigException(
            "Invalid value '"
                + shown
                + "' for option '--out': it exists and is not an earlier export of table "
                + table
                + "; give option '--overwrite' to replace it");
      }
      return t;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check the export target " + Redaction.uri(out), e);
    }
  }

  /**
   * Records, after a successful write, that the target holds an export of the table (at a version).
   */
  public void mark(String table, long version, String format) {
    try (FSDataOutputStream o = fs.create(marker(), true)) {
      var node =
          JSON.createObjectNode().put("table", table).put("version", version).put("format", format);
      o.write(node.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the export marker " + marker(), e);
    }
  }

  /** The table an earlier export wrote here, or null. */
  String markedTable() throws IOException {
    Path marker = marker();
    if (!fs.exists(marker)) {
      return null;
    }
    try (FSDataInputStream in = fs.open(marker)) {
      JsonNode node = JSON.readTree(in.readAllBytes());
      return node.path("table").asText(null);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return null;
    }
  }

  private Path marker() {
    return singleFile
        ? new Path(target.getParent(), "." + target.getName() + ".annolake-export")
        : new Path(target, MARKER);
  }

  /** Whether {@code inner} is {@code outer} or lies below it (same scheme and authority). */
  static boolean within(Path inner, Path outer) {
    var a = inner.toUri();
    var b = outer.toUri();
    if (!java.util.Objects.equals(a.getScheme(), b.getScheme())
        || !java.util.Objects.equals(a.getAuthority(), b.getAuthority())) {
      return false;
    }
    String ip = a.getPath().endsWith("/") ? a.getPath() : a.getPath() + "/";
    String op = b.getPath().endsWith("/") ? b.getPath() : b.getPath() + "/";
    return ip.startsWith(op);
  }
}
