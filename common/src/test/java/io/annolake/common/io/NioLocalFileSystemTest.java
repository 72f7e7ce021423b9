package io.annolake.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annolake.common.testing.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The java.nio local file system keeps Hadoop's semantics where Delta relies on them. */
class NioLocalFileSystemTest {
  @TempDir java.nio.file.Path dir;

  private static Configuration conf() {
    return SparkTestSession.get().sparkContext().hadoopConfiguration();
  }

  @Test
  void theSessionUsesItForLocalPaths() throws Exception {
    assertThat(FileSystem.get(dir.toUri(), conf())).isInstanceOf(NioLocalFileSystem.class);
    assertThat(FileContext.getFileContext(dir.toUri(), conf()).getDefaultFileSystem())
        .isInstanceOf(NioLocalFileSystem.Fs.class);
  }

  @Test
  void permissionsAreSetAndChecksumsWritten() throws Exception {
    FileSystem fs = FileSystem.get(dir.toUri(), conf());
    Path file = new Path(dir.toUri().toString(), "a/b.txt");
    try (FSDataOutputStream out = fs.create(file)) {
      out.write("hello".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(dir.resolve("a/.b.txt.crc")).exists();
    fs.setPermission(file, new FsPermission((short) 0640));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b.txt"))))
        .isEqualTo("rw-r-----");
    assertThat(fs.getFileStatus(file).getPermission().toShort()).isEqualTo((short) 0640);
  }

  @Test
  void renameWithoutOverwriteRefusesAnExistingTargetAsDeltaCommitsNeed() throws Exception {
    FileContext fc = FileContext.getFileContext(dir.toUri(), conf());
    Path a = new Path(dir.toUri().toString(), "a.json");
    Path b = new Path(dir.toUri().toString(), "b.json");
    Files.writeString(dir.resolve("a.json"), "a");
    Files.writeString(dir.resolve("b.json"), "b");
    assertThatThrownBy(() -> fc.rename(a, b, Options.Rename.NONE))
        .isInstanceOf(FileAlreadyExistsException.class);
    Path c = new Path(dir.toUri().toString(), "c.json");
    fc.rename(a, c, Options.Rename.NONE);
    assertThat(Files.readString(dir.resolve("c.json"))).isEqualTo("a");
    assertThat(dir.resolve("a.json")).doesNotExist();
  }

  @Test
  void linkStatusIsHadoopsForLinksAndPlainFiles() throws Exception {
    Files.writeString(dir.resolve("target.txt"), "t");
    Files.createSymbolicLink(dir.resolve("link.txt"), dir.resolve("target.txt"));
    FileSystem nio = new NioLocalFileSystem.Raw();
    FileSystem hadoop = new RawLocalFileSystem();
    nio.initialize(dir.toUri(), new Configuration());
    hadoop.initialize(dir.toUri(), new Configuration());
    for (String name : new String[] {"link.txt", "target.txt"}) {
      Path p = new Path(dir.toUri().toString(), name);
      FileStatus ours = nio.getFileLinkStatus(p);
      FileStatus theirs = hadoop.getFileLinkStatus(p);
      // (Hadoop 3.3 passes the qualified path to readlink, so even a link reads as a plain file
      // here)
      assertThat(ours.isSymlink()).as(name).isEqualTo(theirs.isSymlink());
      assertThat(ours.getPath()).isEqualTo(theirs.getPath());
      assertThat(ours.getLen()).isEqualTo(theirs.getLen());
    }
    assertThatThrownBy(() -> nio.getFileLinkStatus(new Path(dir.toUri().toString(), "missing")))
        .isInstanceOf(java.io.FileNotFoundException.class);
  }
}
