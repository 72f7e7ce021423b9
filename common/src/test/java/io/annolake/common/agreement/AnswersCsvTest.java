package io.annolake.common.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annolake.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agreement --input-csv}'s reader: quoting, line endings, aliases, and every skipped row
 * counted.
 */
class AnswersCsvTest {
  @TempDir Path dir;

  private Answers read(String text) throws Exception {
    Path file = dir.resolve("answers.csv");
    Files.writeString(file, text);
    return Answers.readCsv(file);
  }

  @Test
  void readsQuotedFieldsAnyLineEndingAndAByteOrderMark() throws Exception {
    Answers answers =
        read(
            "\uFEFFtask,annotator,extra,answer\r\n"
                + "1,a,\"x, y\",\"cat\"\r\n"
                + "\"1\",\"b\",\"a \"\"quoted\"\" note\",cat\r\n"
                + "2,a,z,\"two\nlines\"\r\n"
                + "2,b,z,\"two\nlines\"\r\n");
    assertThat(answers.rows()).isEqualTo(4);
    assertThat(answers.items()).isEqualTo(2);
    assertThat(answers.categories().labels()).containsExactly("cat", "two\nlines");
    assertThat(answers.skipped()).isEmpty();
    // Both items unanimous: nominal alpha 1.
    Categories cats = answers.categories();
    assertThat(answers.counts(cats).get("2").total()).isEqualTo(2);
  }

  @Test
  void countsEverySkippedRowByReasonWithItsFirstLine() throws Exception {
    Answers answers =
        read(
            "item_id,worker_id,label\n"
                + "1,a,x\n"
                + "1,b,\n" // line 3: a missing value
                + "1\n" // line 4
                + ",c,x\n" // line 5
                + "2,,y\n" // line 6
                + "2,a,  \n" // line 7: blank is missing too
                + "\n" // blank lines are not rows
                + "2,b,y\n");
    assertThat(answers.rows()).isEqualTo(2);
    assertThat(answers.skipped())
        .containsExactly(
            Map.entry("no label (a missing value)", new Answers.Skipped(2, 3)),
            Map.entry("too few fields", new Answers.Skipped(1, 4)),
            Map.entry("no item_id", new Answers.Skipped(1, 5)),
            Map.entry("no worker_id", new Answers.Skipped(1, 6)));
  }

  @Test
  void aHeaderWithoutTheThreeColumnsNamesWhatIsMissing() {
    assertThatThrownBy(() -> read("item,who,label\n1,a,x\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--input-csv")
        .hasMessageContaining("worker_id");
    assertThatThrownBy(() -> read(""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void aFileThatIsNotReadableAsCsvIsAUsageErrorNamingTheLine() {
    // More fields than a CSV parser holds per row (512): not an answer file.
    assertThatThrownBy(() -> read("item,worker,label\n1,a,x\n" + ",".repeat(600) + "\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--input-csv")
        .hasMessageContaining("not readable as CSV at line");
  }
}
