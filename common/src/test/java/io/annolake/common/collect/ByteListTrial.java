package io.annolake.common.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.Alternation;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a copy by Spark's internal {@code Platform} offsets would save {@link
 * ByteList#add(UTF8String)} against the public way it takes ({@code UTF8String.getBytes()}, which
 * allocates an array per string that is a view into a row's buffer, as every string of an UnsafeRow
 * is), for 10M ids as the consensus index appends them. A measuring tool for docs/ARCHITECTURE.md's
 * internals table, not a check of time: {@code mvn -Ptrials test -pl common -Dtest=ByteListTrial}.
 */
@Tag("trial")
class ByteListTrial {
  private static final int STRINGS = 10_000_000;
  private static final int DISTINCT = 100_000;
  private static final int ROUNDS = 5;

  @Test
  void platformCopyAgainstGetBytes() {
    // ids as views into one buffer, like the strings of rows read from Parquet
    byte[] buffer = new byte[DISTINCT * 16];
    UTF8String[] ids = new UTF8String[DISTINCT];
    int at = 0;
    for (int i = 0; i < DISTINCT; i++) {
      byte[] id = ("worker-" + i).getBytes(StandardCharsets.UTF_8);
      System.arraycopy(id, 0, buffer, at, id.length);
      ids[i] = UTF8String.fromBytes(buffer, at, id.length);
      at += id.length;
    }
    assertThat(internal().toArray()).isEqualTo(publicApi().toArray());

    Alternation.time(
        "bytelist",
        String.format("%,d ids", STRINGS),
        ROUNDS,
        "Platform copy",
        () -> {
          PlatformBytes a = new PlatformBytes();
          for (int i = 0; i < STRINGS; i++) {
            a.add(ids[i % DISTINCT]);
          }
        },
        "getBytes",
        () -> {
          ByteList b = new ByteList(4096);
          for (int i = 0; i < STRINGS; i++) {
            b.add(ids[i % DISTINCT]);
          }
        });
  }

  private PlatformBytes internal() {
    PlatformBytes out = new PlatformBytes();
    out.add(UTF8String.fromString("worker-1"));
    out.add(UTF8String.fromString("é"));
    return out;
  }

  private ByteList publicApi() {
    ByteList out = new ByteList();
    out.add(UTF8String.fromString("worker-1"));
    out.add(UTF8String.fromString("é"));
    return out;
  }

  /** The same growable array, copying from where Spark holds the bytes (no array per string). */
  private static final class PlatformBytes {
    byte[] values = new byte[4096];
    int size;

    void add(UTF8String v) {
      int n = v.numBytes();
      if (size + n > values.length) {
        values = Arrays.copyOf(values, Math.max(values.length * 2, size + n));
      }
      v.writeToMemory(values, Platform.BYTE_ARRAY_OFFSET + size);
      size += n;
    }

    byte[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
