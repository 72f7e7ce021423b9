package io.annolake.common.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Calibration table and ECE on hand-computed cases. */
class CalibrationTest {
  /**
   * Ten bins over [0, 1]. Bin 0.5-0.6: 0.55 (right), 0.55 (wrong): confidence 0.55, accuracy 0.5.
   * Bin 0.9-1.0: 0.9, 1.0, 1.0, 1.0 (three right): confidence 0.975, accuracy 0.75. ECE = 2/6 *
   * 0.05 + 4/6 * 0.225 = 0.01666... + 0.15 = 0.16666...
   */
  @Test
  void binsAndExpectedCalibrationError() {
    Calibration.Table t =
        Calibration.of(
            new double[] {0.55, 0.55, 0.9, 1.0, 1.0, 1.0},
            new boolean[] {true, false, true, true, true, false},
            10);
    assertThat(t.bins()).hasSize(2);
    assertThat(t.bins().get(0).items()).isEqualTo(2);
    assertThat(t.bins().get(0).low()).isCloseTo(0.5, within(1e-12));
    assertThat(t.bins().get(0).meanConfidence()).isCloseTo(0.55, within(1e-12));
    assertThat(t.bins().get(0).accuracy()).isCloseTo(0.5, within(1e-12));
    assertThat(t.bins().get(1).items()).isEqualTo(4);
    assertThat(t.bins().get(1).low()).isCloseTo(0.9, within(1e-12));
    assertThat(t.bins().get(1).meanConfidence()).isCloseTo(0.975, within(1e-12));
    assertThat(t.bins().get(1).accuracy()).isCloseTo(0.75, within(1e-12));
    assertThat(t.ece()).isCloseTo(1.0 / 6, within(1e-12));
    assertThat(t.accuracy()).isCloseTo(4.0 / 6, within(1e-12));
    assertThat(t.format("")).contains("ECE 0.1667");
  }

  @Test
  void perfectlyCalibratedGivesZero() {
    Calibration.Table t =
        Calibration.of(new double[] {0.5, 0.5, 1, 1}, new boolean[] {true, false, true, true}, 10);
    assertThat(t.ece()).isCloseTo(0, within(1e-12));
  }

  @Test
  void badInputIsRejected() {
    assertThatThrownBy(() -> Calibration.of(new double[] {1.5}, new boolean[] {true}, 10))
        .hasMessageContaining("confidence must be in [0, 1]");
    assertThatThrownBy(() -> Calibration.of(new double[] {0.5}, new boolean[] {}, 10))
        .hasMessageContaining("differ in length");
  }
}
