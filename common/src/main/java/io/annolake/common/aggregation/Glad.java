package io.annolake.common.aggregation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GLAD (Generative model of Labels, Abilities, and Difficulties): a worker with ability alpha
 * answers an item with inverse difficulty beta correctly with probability sigmoid(alpha * beta);
 * wrong labels are equally likely. EM: posteriors over true labels (E), then Gaussian-prior MAP
 * estimates of abilities and log inverse difficulties by Fisher-scoring steps (M).
 *
 * <p>J. Whitehill, P. Ruvolo, T. Wu, J. Bergsma and J. Movellan, "Whose Vote Should Count More:
 * Optimal Integration of Labels from Labelers of Unknown Expertise", NIPS 2009.
 *
 * <p>Item difficulties are per-item state, so GLAD runs on one machine (its arrays are still
 * dense and linear in the answers); the Spark job uses the block programs of the other methods.
 */
public final class Glad implements Aggregator {
  /**
   * @param maxIterations EM iterations at most (default 100)
   * @param tolerance stop when the mean log-likelihood per item changes less (default 1e-5)
   * @param mStepIterations scoring rounds per M-step (default 5)
   * @param alphaPriorMean mean of the N(m, 1) prior on abilities (default 1)
   * @param logBetaPriorMean mean of the N(m, 1) prior on log inverse difficulties (default 0)
   * @param smoothing pseudo-count for estimated priors (default 0.01)
   * @param priors uniform class priors (the paper's and Crowd-Kit's default) or estimated ones
   */
  public record Settings(
      int maxIterations, double tolerance, int mStepIterations, double alphaPriorMean, double logBetaPriorMean,
      double smoothing, ClassPriors priors) {
    public Settings {
      Checks.iterations(maxIterations, tolerance, smoothing);
      Checks.argument(mStepIterations > 0, "Cannot fit: M-step iterations must be > 0, got", mStepIterations);
      Checks.argument(priors != null, "Cannot fit: class priors are required, got", priors);
    }

    public static Settings defaults() {
      return new Settings(100, 1e-5, 10, 1, 0, 0.01, ClassPriors.UNIFORM);
    }
  }


  private final Settings settings;

  public Glad(Settings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return "glad";
  }

  @Override
  public Map<String, String> params() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("max_iterations", Integer.toString(settings.maxIterations()));
    p.put("tolerance", Double.toString(settings.tolerance()));
    p.put("m_step_iterations", Integer.toString(settings.mStepIterations()));
    p.put("alpha_prior_mean", Double.toString(settings.alphaPriorMean()));
    p.put("log_beta_prior_mean", Double.toString(settings.logBetaPriorMean()));
    p.put("smoothing", Double.toString(settings.smoothing()));
    p.put("priors", settings.priors().name());
    return p;
  }

  @Override
  public AggregationModel fit(Answers answers) {
    ItemBlock b = answers.block();
    int n = b.items();
    int k = answers.classCount();
    int w = answers.workerCount();
    double[] alpha = new double[w];
    java.util.Arrays.fill(alpha, settings.alphaPriorMean());
    double[] logBeta = new double[n];
    java.util.Arrays.fill(logBeta, settings.logBetaPriorMean());
    double[] logPrior = new double[k];
    java.util.Arrays.fill(logPrior, -Math.log(k));
    // Start from the E-step at the prior means: a vote weighted by the mean ability.
    double[][] post = new double[n][k];
    for (int i = 0; i < n; i++) {
      eStep(b, i, logPrior, alpha, logBeta[i], k, post[i]);
    }
    List<Double> losses = new ArrayList<>();
    boolean converged = settings.maxIterations() == 0;
    for (int t = 0; t < settings.maxIterations(); t++) {
      mStep(b, post, logPrior, alpha, logBeta, k);
      double loss = 0;
      for (int i = 0; i < n; i++) {
        loss += eStep(b, i, logPrior, alpha, logBeta[i], k, post[i]);
      }
      losses.add(n > 0 ? loss / n : 0);
      if (losses.size() > 1 && Math.abs(losses.get(t) - losses.get(t - 1)) < settings.tolerance()) {
        converged = true;
        break;
      }
    }
    double[][] confusion = new double[w][k * k];
    for (int j = 0; j < w; j++) {
      double right = sigmoid(alpha[j]);
      for (int c = 0; c < k * k; c++) {
        confusion[j][c] = c / k == c % k ? right : k > 1 ? (1 - right) / (k - 1) : 0;
      }
    }
    double[] priors = new double[k];
    for (int c = 0; c < k; c++) {
      priors[c] = Math.exp(logPrior[c]);
    }
    return new AggregationModel(
        name(), answers, post, new EmProgram.Parameters(priors, confusion, alpha.clone()), losses, converged);
  }

  /** Posterior of item i in log space; returns the log-likelihood of its answers. */
  static double eStep(ItemBlock b, int i, double[] logPrior, double[] alpha, double logBeta, int k, double[] out) {
    double beta = Math.exp(logBeta);
    double base = 0;
    System.arraycopy(logPrior, 0, out, 0, k);
    for (int a = b.start(i); a < b.end(i); a++) {
      double x = alpha[b.worker(a)] * beta;
      double right = logSigmoid(x);
      double wrong = k > 1 ? logSigmoid(-x) - Math.log(k - 1) : 0;
      base += wrong;
      out[b.label(a)] += right - wrong;
    }
    for (int c = 0; c < k; c++) {
      out[c] += base;
    }
    double logLikelihood = Posteriors.normalizeLog(out);
    Posteriors.clampGold(b, i, out);
    return logLikelihood;
  }

  private void mStep(ItemBlock b, double[][] post, double[] logPrior, double[] alpha, double[] logBeta, int k) {
    int n = b.items();
    double s = settings.smoothing();
    double[] classSum = new double[k];
    for (double[] p : post) {
      for (int c = 0; c < k; c++) {
        classSum[c] += p[c];
      }
    }
    for (int c = 0; c < k && settings.priors() == ClassPriors.ESTIMATED; c++) {
      logPrior[c] = Math.log((classSum[c] + s) / (n + k * s));
    }
    double[] grad = new double[alpha.length];
    double[] info = new double[alpha.length];
    for (int round = 0; round < settings.mStepIterations(); round++) {
      // Abilities: the objective is concave in each alpha (log-sigmoid of a linear term).
      java.util.Arrays.fill(grad, 0);
      java.util.Arrays.fill(info, 0);
      for (int i = 0; i < n; i++) {
        double beta = Math.exp(logBeta[i]);
        for (int a = b.start(i); a < b.end(i); a++) {
          int j = b.worker(a);
          double sg = sigmoid(alpha[j] * beta);
          grad[j] += (post[i][b.label(a)] - sg) * beta;
          info[j] += sg * (1 - sg) * beta * beta;
        }
      }
      for (int j = 0; j < alpha.length; j++) {
        double g = grad[j] - (alpha[j] - settings.alphaPriorMean());
        alpha[j] += clamp(g / (info[j] + 1));
      }
      // Log inverse difficulties: one scoring step per item, local to its answers.
      for (int i = 0; i < n; i++) {
        double beta = Math.exp(logBeta[i]);
        double g = -(logBeta[i] - settings.logBetaPriorMean());
        double h = 1;
        for (int a = b.start(i); a < b.end(i); a++) {
          double ab = alpha[b.worker(a)] * beta;
          double sg = sigmoid(ab);
          g += (post[i][b.label(a)] - sg) * ab;
          h += sg * (1 - sg) * ab * ab;
        }
        logBeta[i] += clamp(g / h);
      }
    }
  }

  private static double clamp(double step) {
    return Math.max(-1, Math.min(1, step));
  }

  static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  static double logSigmoid(double x) {
    return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
  }
}
