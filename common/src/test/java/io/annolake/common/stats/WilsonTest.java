package io.annolake.common.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Textbook values: Newcombe (1998), Stat. Med. 17:857, Table I, method 3; and the 0/10, 8/10 cases.
 */
class WilsonTest {
  private static final double Z95 = Wilson.z(0.95);

  @Test
  void zFromConfidence() {
    assertThat(Z95).isCloseTo(1.959964, within(1e-6));
    assertThat(Wilson.z(0.99)).isCloseTo(2.575829, within(1e-6));
    assertThatThrownBy(() -> Wilson.z(1.0)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "81, 263, 0.2553, 0.3662",
    "15, 148, 0.0624, 0.1605",
    "0, 20, 0.0000, 0.1611",
    "1, 29, 0.0061, 0.1718",
    "0, 10, 0.0000, 0.2775",
    "8, 10, 0.4902, 0.9433",
    "10, 10, 0.7225, 1.0000"
  })
  void textbookIntervals(long correct, long n, double low, double high) {
    Wilson.Interval ci = Wilson.interval(correct, n, Z95);
    assertThat(ci.low()).isCloseTo(low, within(5e-5));
    assertThat(ci.high()).isCloseTo(high, within(5e-5));
  }

  @Test
  void noEvidenceGivesNaNAndBadCountsFail() {
    assertThat(Wilson.interval(0, 0, Z95).low()).isNaN();
    assertThatThrownBy(() -> Wilson.interval(11, 10, Z95))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
