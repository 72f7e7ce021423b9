package io.annolake.common.io;

import io.annolake.common.config.ConfigException;
import io.annolake.common.privacy.Redaction;
import io.annolake.common.schema.RecordKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * A landing file and its identity for exactly-once ingestion: path, size and modification time.
 *
 * @param path the fully qualified path
 * @param size bytes
 * @param modifiedAt modification time in epoch milliseconds
 * @param format the format it is read as
 */
public record LandingFile(String path, long size, long modifiedAt, LandingFormat format) {

  /** Stable key of this file's content for a kind: the same file read again has the same key. */
  public String key(RecordKind kind) {
    return sha256(kind.name() + "|" + path + "|" + size + "|" + modifiedAt).substring(0, 32);
  }

  /**
   * Lists the landing files under a source (a file or a folder, recursively). Hidden files (names
   * starting with '.' or '_', as Spark writes them) are skipped; with a format given, files of other
   * extensions are skipped, without one the format comes from each file's extension.
   */
  public static List<LandingFile> list(String source, LandingFormat format, Configuration hadoop) {
    Path root = new Path(source);
    List<LandingFile> files = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        throw new ConfigException("Invalid value '" + Redaction.uri(source) + "' for option '--source': no such file or folder");
      }
      root = fs.makeQualified(root);
      FileStatus status = fs.getFileStatus(root);
      if (status.isFile()) {
        LandingFormat f = format != null ? format : LandingFormat.ofFileName(root.getName());
        if (f == null) {
          throw new ConfigException(
              "Cannot tell the format of '" + Redaction.uri(source) + "' from its extension: give option '--format'");
        }
        files.add(of(status, f));
      } else {
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
          LocatedFileStatus s = it.next();
          if (hidden(root, s.getPath())) {
            continue;
          }
          LandingFormat byName = LandingFormat.ofFileName(s.getPath().getName());
          if (byName != null && (format == null || format == byName)) {
            files.add(of(s, byName));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list landing files under " + Redaction.uri(source), e);
    }
    files.sort(Comparator.comparing(LandingFile::path));
    return files;
  }

  /** Hidden below the source only: a hidden folder above it (e.g. .cache/landing) is fine. */
  private static boolean hidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String name = p.getName();
      if (name.startsWith(".") || name.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  private static LandingFile of(FileStatus s, LandingFormat format) {
    return new LandingFile(s.getPath().toString(), s.getLen(), s.getModificationTime(), format);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
