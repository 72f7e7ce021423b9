package io.annolake.common.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.annolake.common.testing.SparkTestSession;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class RedactionTest {
  static final List<String[]> CASES =
      List.of(
          new String[] {
            "s3a://AKIAXYZ:s3cr3t/+x@bucket/landing/a.json", "s3a://REDACTED@bucket/landing/a.json"
          },
          new String[] {
            "https://acct.blob.core.windows.net/c/a.csv?sv=2024&sig=abc%2Fdef&se=2030",
            "https://acct.blob.core.windows.net/c/a.csv?sv=2024&sig=REDACTED&se=2030"
          },
          new String[] {
            "https://b.s3.amazonaws.com/a.csv?X-Amz-Credential=AK/2026&X-Amz-Signature=ff00",
            "https://b.s3.amazonaws.com/a.csv?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED"
          },
          new String[] {
            "gs://b/x.json?token=t0k&access_token=a&page=2",
            "gs://b/x.json?token=REDACTED&access_token=REDACTED&page=2"
          },
          new String[] {
            "abfss://container@account.dfs.core.windows.net/landing",
            "abfss://container@account.dfs.core.windows.net/landing"
          },
          new String[] {
            "https://h/landing;jsessionid=abc/a.json", "https://h/landing;jsessionid=REDACTED"
          },
          new String[] {"file:/tmp/landing/annotations", "file:/tmp/landing/annotations"},
          new String[] {"./landing/annotations", "./landing/annotations"});

  @Test
  void credentialsInUrisAreRemovedAndTheRestKept() {
    for (String[] c : CASES) {
      assertThat(Redaction.uri(c[0])).as(c[0]).isEqualTo(c[1]);
    }
    assertThat(Redaction.uri((String) null)).isNull();
    assertThat(Redaction.params(Map.of("source", CASES.get(0)[0])))
        .containsEntry("source", CASES.get(0)[1]);
  }

  @Test
  void theColumnFormAgreesWithTheStringForm() {
    SparkSession spark = SparkTestSession.get();
    List<String> in = CASES.stream().map(c -> c[0]).toList();
    List<String> out =
        spark
            .createDataset(in, Encoders.STRING())
            .select(Redaction.uri(org.apache.spark.sql.functions.col("value")))
            .as(Encoders.STRING())
            .collectAsList();
    assertThat(out).containsExactlyElementsOf(CASES.stream().map(c -> c[1]).toList());
  }
}
