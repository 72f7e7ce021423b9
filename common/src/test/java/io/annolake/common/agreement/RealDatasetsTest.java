package io.annolake.common.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shared real datasets against an independent implementation (fast-krippendorff for alpha,
 * statsmodels for Fleiss' kappa; figures in shared/data/README.md), to 1e-9.
 */
class RealDatasetsTest {
  @ParameterizedTest
  @CsvSource({
    "zheng_product, 0.15747331692807687, 0.15743954020088483, 0.7254760473040689",
    "zheng_dog,     0.5194178413233599,  0.5193582822505284,  0.6411400247831475",
    "snow_rte,      0.24147876613881425, 0.24138393913120587, 0.6286944444444446",
    "snow_temp,     0.2234134125777837,  0.2232452838513445,  0.6128908128908129",
  })
  void matchesReferenceFigures(String dataset, double alpha, double fleiss, double percent)
      throws Exception {
    String root = System.getProperty("annolake.shared.data");
    Assumptions.assumeTrue(root != null, "annolake.shared.data is not set");
    Path file = Path.of(root, dataset, "answers.csv");
    Assumptions.assumeTrue(Files.isRegularFile(file), "dataset absent: " + file);

    Answers answers = Answers.readCsv(file);
    Categories cats = answers.categories();
    List<Coefficient> all =
        AgreementReport.compute(answers.state(cats, 0, 1), cats, List.of(Level.NOMINAL), 0.95);
    assertThat(KrippendorffAlphaTest.find(all, Coefficient.KRIPPENDORFF_ALPHA).value())
        .isCloseTo(alpha, within(1e-9));
    assertThat(KrippendorffAlphaTest.find(all, Coefficient.FLEISS_KAPPA).value())
        .isCloseTo(fleiss, within(1e-9));
    assertThat(KrippendorffAlphaTest.find(all, Coefficient.PERCENT_AGREEMENT).value())
        .isCloseTo(percent, within(1e-9));
  }
}
