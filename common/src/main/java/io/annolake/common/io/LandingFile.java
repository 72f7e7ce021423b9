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
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * A landing file and its identity for exactly-once ingestion: path, size, modification time and a
 * content fingerprint (see {@link #fingerprint}).
 *
 * @param path the fully qualified path
 * @param size bytes
 * @param modifiedAt modification time in epoch milliseconds
 * @param format the format it is read as; null when its name names no format we read
 * @param fingerprint hex SHA-256 of the content (small files) or of its first and last blocks and
 *     length; null when the file could not be read
 * @param problem why the file cannot be read at all (unsupported extension, unreadable), else null
 */
public record LandingFile(
    String path,
    long size,
    long modifiedAt,
    LandingFormat format,
    String fingerprint,
    String problem) {

  /** Files up to this size are hashed whole; larger ones by their first and last block. */
  static final int FULL_HASH_LIMIT = 256 * 1024;

  static final int BLOCK = 64 * 1024;

  /** Compression suffixes Hadoop's line reader cannot read everywhere; gzip is the one we read. */
  private static final List<String> UNSUPPORTED_COMPRESSION =
      List.of(
          ".bz2",
          ".zst",
          ".zstd",
          ".xz",
          ".lz4",
          ".snappy",
          ".zip",
          ".7z",
          ".lzo",
          ".br",
          ".deflate");

  /**
   * The file's id for a kind and a scope (the settings that change what its records become, such as
   * the default project and the encoding): the same bytes at the same path read the same way give
   * the same id; any change of content, size, modification time, path or scope gives a new one.
   */
  public String id(RecordKind kind, String scope) {
    return sha256(
            kind.name()
                + "|"
                + scope
                + "|"
                + path
                + "|"
                + size
                + "|"
                + modifiedAt
                + "|"
                + fingerprint)
        .substring(0, 32);
  }

  /**
   * Lists every file under a source (a file or a folder, recursively), with its format and
   * fingerprint. Hidden files (names starting with '.' or '_', as Spark writes them) are skipped. A
   * file whose extension names no format we read (or another format than {@code format}) comes with
   * a {@link #problem}: it is rejected, not skipped. With {@code format} given, files whose
   * extension names no format are read as that format.
   */
  public static List<LandingFile> list(String source, LandingFormat format, Configuration hadoop) {
    Path root = new Path(source);
    List<LandingFile> files = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        throw new ConfigException(
            "Invalid value '"
                + Redaction.uri(source)
                + "' for option '--source': no such file or folder");
      }
      root = fs.makeQualified(root);
      FileStatus status = fs.getFileStatus(root);
      if (status.isFile()) {
        // a file named on its own is read as --format says, whatever its name
        String unsupported = format != null ? null : unsupportedReason(root.getName(), null);
        LandingFormat f = format != null ? format : LandingFormat.ofFileName(root.getName());
        if (f == null && unsupported != null && !unsupported.startsWith("compression")) {
          throw new ConfigException(
              "Cannot tell the format of '"
                  + Redaction.uri(source)
                  + "' from its extension: give option '--format'");
        }
        files.add(of(fs, status, unsupported == null ? f : null, unsupported));
      } else {
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
          LocatedFileStatus s = it.next();
          if (hidden(root, s.getPath())) {
            continue;
          }
          String name = s.getPath().getName();
          String unsupported = unsupportedReason(name, format);
          LandingFormat byName = LandingFormat.ofFileName(name);
          files.add(
              of(
                  fs,
                  s,
                  unsupported == null ? (byName != null ? byName : format) : null,
                  unsupported));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list landing files under " + Redaction.uri(source), e);
    }
    files.sort(Comparator.comparing(LandingFile::path));
    return files;
  }

  /** Why a file of this name is not read (with {@code format} given for the run), or null. */
  static String unsupportedReason(String name, LandingFormat format) {
    String n = name.toLowerCase(Locale.ROOT);
    for (String suffix : UNSUPPORTED_COMPRESSION) {
      if (n.endsWith(suffix)) {
        return "compression '" + suffix + "' is not supported (gzip is)";
      }
    }
    LandingFormat byName = LandingFormat.ofFileName(name);
    if (byName == null && format == null) {
      return "the extension names none of json, jsonl, ndjson, csv, tsv, parquet, arrow, feather, ipc (optionally .gz)";
    }
    if (byName != null && format != null && byName != format) {
      return "the extension says " + byName.cliName() + " but --format is " + format.cliName();
    }
    return null;
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

  private static LandingFile of(FileSystem fs, FileStatus s, LandingFormat format, String problem) {
    String fingerprint;
    try {
      fingerprint = fingerprint(fs, s.getPath(), s.getLen());
    } catch (IOException | RuntimeException e) {
      fingerprint = null;
      if (problem == null) {
        problem = "cannot be read: " + e;
      }
    }
    return new LandingFile(
        s.getPath().toString(), s.getLen(), s.getModificationTime(), format, fingerprint, problem);
  }

  /**
   * A cheap content fingerprint: SHA-256 of the length and the whole content for files up to 256
   * KiB, else of the length and the first and last 64 KiB. At most 128 KiB is read per large file,
   * so listing stays cheap; an edit in the middle of a large file that keeps its size is caught by
   * the modification time, which is part of the file's id as well.
   */
  static String fingerprint(FileSystem fs, Path path, long size) throws IOException {
    MessageDigest digest = newSha256();
    digest.update(Long.toString(size).getBytes(StandardCharsets.US_ASCII));
    try (FSDataInputStream in = fs.open(path)) {
      if (size <= FULL_HASH_LIMIT) {
        byte[] all = in.readNBytes((int) size);
        digest.update(all);
      } else {
        byte[] block = new byte[BLOCK];
        in.readFully(0, block);
        digest.update(block);
        in.readFully(size - BLOCK, block);
        digest.update(block);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256(String text) {
    return HexFormat.of().formatHex(newSha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
