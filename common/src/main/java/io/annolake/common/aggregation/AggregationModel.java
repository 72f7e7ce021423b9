package io.annolake.common.aggregation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fitted aggregator: per-item labels and posteriors, per-worker confusion matrices and skills,
 * class priors and the loss history. Immutable; accessors return copies or unmodifiable views.
 */
public final class AggregationModel {
  private final String method;
  private final Answers answers;
  private final double[][] probas;
  private final int[] labels;
  private final EmProgram.Parameters parameters;
  private final List<Double> lossHistory;
  private final boolean converged;

  public AggregationModel(
      String method,
      Answers answers,
      double[][] probas,
      EmProgram.Parameters parameters,
      List<Double> lossHistory,
      boolean converged) {
    this.method = method;
    this.answers = answers;
    this.probas = probas;
    this.labels = new int[probas.length];
    for (int i = 0; i < probas.length; i++) {
      labels[i] = Posteriors.argmax(probas[i]);
    }
    this.parameters = parameters;
    this.lossHistory = List.copyOf(lossHistory);
    this.converged = converged;
  }

  /** Fits an {@link EmProgram} locally and wraps the result. */
  static AggregationModel fitLocal(String method, EmProgram program, Answers answers) {
    ItemBlock block = answers.block();
    EmRunner.Outcome outcome = EmRunner.runLocal(program, block);
    double[][] probas = new double[block.items()][program.classes()];
    for (int i = 0; i < block.items(); i++) {
      program.posterior(outcome.reported(), block, i, probas[i]);
    }
    return new AggregationModel(
        method,
        answers,
        probas,
        program.parameters(outcome.last(), answers.workerCount()),
        outcome.lossHistory(),
        outcome.converged());
  }

  public String method() {
    return method;
  }

  public Answers answers() {
    return answers;
  }

  /** Label per item id, in item order. */
  public Map<String, String> labels() {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i++) {
      out.put(answers.items().get(i), answers.labels().get(labels[i]));
    }
    return Collections.unmodifiableMap(out);
  }

  public String label(String item) {
    int i = Collections.binarySearch(answers.items(), item);
    if (i < 0) {
      throw new IllegalArgumentException("Cannot give label: unknown item " + item);
    }
    return answers.labels().get(labels[i]);
  }

  /** Dense label index of item {@code i}. */
  public int labelIndex(int item) {
    return labels[item];
  }

  /** Posterior of label {@code k} for item {@code i}. */
  public double proba(int item, int k) {
    return probas[item][k];
  }

  /** Posteriors per item id, each by label id. */
  public Map<String, Map<String, Double>> probas() {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (int i = 0; i < probas.length; i++) {
      Map<String, Double> row = new LinkedHashMap<>();
      for (int k = 0; k < probas[i].length; k++) {
        row.put(answers.labels().get(k), probas[i][k]);
      }
      out.put(answers.items().get(i), Collections.unmodifiableMap(row));
    }
    return Collections.unmodifiableMap(out);
  }

  /** Class priors by label id, or an empty map when the method has none. */
  public Map<String, Double> priors() {
    Map<String, Double> out = new LinkedHashMap<>();
    if (parameters.priors() != null) {
      for (int k = 0; k < parameters.priors().length; k++) {
        out.put(answers.labels().get(k), parameters.priors()[k]);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** A worker's confusion matrix (true label by given label), or null when the method has none. */
  public double[][] confusion(String worker) {
    if (parameters.confusion() == null) {
      return null;
    }
    int j = Collections.binarySearch(answers.workers(), worker);
    if (j < 0) {
      throw new IllegalArgumentException("Cannot give confusion: unknown worker " + worker);
    }
    int k = answers.classCount();
    double[][] out = new double[k][k];
    for (int t = 0; t < k; t++) {
      System.arraycopy(parameters.confusion()[j], t * k, out[t], 0, k);
    }
    return out;
  }

  /** Skill per worker id (method-specific scale), or an empty map when the method has none. */
  public Map<String, Double> skills() {
    Map<String, Double> out = new LinkedHashMap<>();
    if (parameters.skills() != null) {
      for (int j = 0; j < parameters.skills().length; j++) {
        out.put(answers.workers().get(j), parameters.skills()[j]);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Mean log-likelihood per item after each EM iteration (empty for one-pass methods). */
  public List<Double> lossHistory() {
    return lossHistory;
  }

  public boolean converged() {
    return converged;
  }
}
