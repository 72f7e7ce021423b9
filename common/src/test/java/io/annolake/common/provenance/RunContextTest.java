package io.annolake.common.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.jar.Attributes;
import org.junit.jupiter.api.Test;

class RunContextTest {
  private static Attributes manifest(String version, String commit) {
    Attributes attributes = new Attributes();
    if (version != null) {
      attributes.put(Attributes.Name.IMPLEMENTATION_VERSION, version);
    }
    if (commit != null) {
      attributes.putValue(RunContext.COMMIT_ATTRIBUTE, commit);
    }
    return attributes;
  }

  @Test
  void codeVersionIsTheJarsVersionAndCommit() {
    assertThat(RunContext.codeVersion(manifest("0.1.0", "270c710-dirty")))
        .isEqualTo("0.1.0+270c710-dirty");
  }

  @Test
  void aBuildOutsideGitGivesTheVersionAlone() {
    assertThat(RunContext.codeVersion(manifest("0.1.0", "${git.commit.id.describe}")))
        .isEqualTo("0.1.0");
    assertThat(RunContext.codeVersion(manifest("0.1.0", null))).isEqualTo("0.1.0");
  }

  @Test
  void aManifestWithoutVersionIsDev() {
    assertThat(RunContext.codeVersion(manifest(null, "270c710"))).isEqualTo("dev");
  }

  @Test
  void anExplicitPropertyWins() {
    String before = System.getProperty("annolake.code.version");
    System.setProperty("annolake.code.version", "given-1");
    try {
      assertThat(RunContext.currentCodeVersion()).isEqualTo("given-1");
    } finally {
      if (before == null) {
        System.clearProperty("annolake.code.version");
      } else {
        System.setProperty("annolake.code.version", before);
      }
    }
  }
}
