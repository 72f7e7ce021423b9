package io.annolake.common.snapshot;

import io.annolake.common.export.FlatColumns;
import io.annolake.common.io.LandingFormat;
import io.annolake.common.io.LandingWriter;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A training snapshot's data file: written as one file in snapshot order, and its checksum. */
public final class SnapshotFiles {
  private SnapshotFiles() {}

  /**
   * One data file, rows in snapshot order: nested columns as JSON text in CSV and Arrow; CSV per
   * RFC 4180.
   */
  public static void writeData(
      Dataset<Row> rows, LandingFormat format, String dir, String dataFile, FileSystem fs)
      throws IOException {
    Dataset<Row> data =
        format == LandingFormat.CSV || format == LandingFormat.ARROW ? FlatColumns.of(rows) : rows;
    data = data.coalesce(1); // after the sort: one task reads the sorted partitions in order
    String parts = dir + "/." + dataFile + ".parts";
    switch (format) {
      case CSV ->
          data.write().mode("overwrite").option("header", true).option("escape", "\"").csv(parts);
      case JSON -> data.write().mode("overwrite").json(parts);
      case PARQUET -> data.write().mode("overwrite").parquet(parts);
      case ARROW -> LandingWriter.writeArrow(data, parts);
    }
    LandingWriter.moveSinglePart(fs.getConf(), parts, new Path(dir, dataFile).toString());
  }

  /** The file's SHA-256, hex. */
  public static String sha256(FileSystem fs, Path file) throws IOException {
    try (InputStream in = new DigestInputStream(fs.open(file), sha256Digest())) {
      byte[] buffer = new byte[1 << 16];
      while (in.read(buffer) >= 0) {
        // the digest stream hashes what is read
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    }
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
