package io.annolake.common.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Bayesian Dawid-Skene's M- and E-steps by hand, and Dawid-Skene's sparse-worker fix. */
class BayesianDawidSkeneTest {
  private static final double LN2 = Math.log(2);

  /** commons-math's digamma is accurate to about 1e-10. */
  private static final double DIGAMMA = 1e-9;

  /**
   * One worker, K = 2, default priors: confusion rows Dirichlet(1.4, 0.6) and (0.6, 1.4) (strength
   * 2, accuracy 0.7), class priors Dirichlet(1, 1). Expected counts: row 0 (0.6, 0.4), row 1 (0.4,
   * 0.1), classes (1.0, 0.5). Posteriors: row 0 Dirichlet(2, 1), row 1 Dirichlet(1, 1.5), priors
   * Dirichlet(2, 1.5). With psi(n + 1) = psi(n) + 1/n, psi(1) = -gamma, psi(1/2) = -gamma - 2 ln 2:
   * E[log theta00] = psi(2) - psi(3) = -1/2, E[log theta01] = psi(1) - psi(3) = -3/2, E[log
   * theta10] = psi(1) - psi(2.5) = 2 ln 2 - 8/3, E[log theta11] = psi(1.5) - psi(2.5) = -2/3, E[log
   * pi0] = psi(2) - psi(3.5) = 2 ln 2 - 31/15, E[log pi1] = psi(1.5) - psi(3.5) = -16/15.
   */
  @Test
  void variationalStepIsTheDirichletPosteriorsDigamma() {
    BayesianDawidSkeneProgram p =
        new BayesianDawidSkeneProgram(1, 2, BayesianDawidSkene.Settings.defaults());
    // stats: loss, items, class sums (2), confusion counts (1 x 2 x 2)
    double[] state = p.update(null, new double[] {0, 1.5, 1.0, 0.5, 0.6, 0.4, 0.4, 0.1});
    // layout: E[log pi] (2), E[log theta] (4), mean pi (2), mean theta (4)
    assertThat(state[0]).isCloseTo(2 * LN2 - 31.0 / 15, within(DIGAMMA));
    assertThat(state[1]).isCloseTo(-16.0 / 15, within(DIGAMMA));
    assertThat(state[2]).isCloseTo(-0.5, within(DIGAMMA));
    assertThat(state[3]).isCloseTo(-1.5, within(DIGAMMA));
    assertThat(state[4]).isCloseTo(2 * LN2 - 8.0 / 3, within(DIGAMMA));
    assertThat(state[5]).isCloseTo(-2.0 / 3, within(DIGAMMA));
    assertThat(state[6]).isCloseTo(2 / 3.5, within(1e-12));
    assertThat(state[7]).isCloseTo(1.5 / 3.5, within(1e-12));
    assertThat(state[8]).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(state[9]).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(state[10]).isCloseTo(0.4, within(1e-12));
    assertThat(state[11]).isCloseTo(0.6, within(1e-12));

    // E-step, one answer "0" by that worker: log q(t) = E[log pi_t] + E[log theta_t0] + const, so
    // q0 : q1 = exp(2 ln 2 - 31/15 - 1/2) : exp(-16/15 + 2 ln 2 - 8/3) = 1 : exp(-7/6).
    ItemBlock block =
        new ItemBlock(
            new int[] {0, 1}, new int[] {0}, new int[] {0}, new int[] {ItemBlock.NO_GOLD}, null);
    double[] post = new double[2];
    double logNormaliser = p.eStep(state, block, 0, post);
    assertThat(post[0]).isCloseTo(1 / (1 + Math.exp(-7.0 / 6)), within(DIGAMMA));
    assertThat(post[1]).isCloseTo(1 - post[0], within(1e-12));
    assertThat(logNormaliser)
        .isCloseTo(
            2 * LN2 + Math.log(Math.exp(-77.0 / 30) + Math.exp(-112.0 / 30)), within(DIGAMMA));

    // Fitted parameters are the posterior means; skill = sum of prior x diagonal.
    EmProgram.Parameters fitted = p.parameters(state, 1);
    assertThat(fitted.confusion()[0])
        .containsExactly(new double[] {2.0 / 3, 1.0 / 3, 0.4, 0.6}, within(1e-12));
    assertThat(fitted.skills()[0]).isCloseTo(2 / 3.5 * 2.0 / 3 + 1.5 / 3.5 * 0.6, within(1e-12));
  }

  @Test
  void goldIsClamped() {
    BayesianDawidSkeneProgram p =
        new BayesianDawidSkeneProgram(1, 2, BayesianDawidSkene.Settings.defaults());
    double[] state = p.update(null, new double[] {0, 1.5, 1.0, 0.5, 0.6, 0.4, 0.4, 0.1});
    ItemBlock block =
        new ItemBlock(new int[] {0, 1}, new int[] {0}, new int[] {0}, new int[] {1}, null);
    double[] post = new double[2];
    p.eStep(state, block, 0, post);
    assertThat(post).containsExactly(0, 1);
  }

  /**
   * A one-answer worker (answer 0 on an item whose posterior is 0.99 / 0.01): Dawid-Skene's
   * maximum-likelihood rows both put all mass on label 0, so the answer is neutral (log ratio 0);
   * the old pseudo-count 0.01 gave row 1 (0.01 + 0.01) / (0.01 + 0.02) = 2/3, a log ratio of 0.4
   * for label 0 from one answer. Bayesian Dawid-Skene gives it nearly the prior's weight.
   */
  @Test
  void aOneAnswerWorkerIsNeutralUnderMaximumLikelihoodAndPriorWeightedUnderTheBayesianModel() {
    double[] stats = {0, 1, 0.99, 0.01, 0.99, 0, 0.01, 0};
    double[] ds = new DawidSkeneProgram(1, 2, DawidSkene.Settings.defaults()).update(stats);
    // layout: log priors (2), log confusion (2 x 2)
    assertThat(ds[2] - ds[4]).isCloseTo(0, within(1e-6));

    double[] bds =
        new BayesianDawidSkeneProgram(1, 2, BayesianDawidSkene.Settings.defaults())
            .update(null, stats);
    double logRatio = bds[2] - bds[4];
    // prior alone: E[log] under Dirichlet(1.4, 0.6) vs (0.6, 1.4) = psi(1.4) - psi(0.6)
    double prior =
        org.apache.commons.math3.special.Gamma.digamma(1.4)
            - org.apache.commons.math3.special.Gamma.digamma(0.6);
    assertThat(logRatio).isGreaterThan(prior).isLessThan(prior + 1);
  }
}
