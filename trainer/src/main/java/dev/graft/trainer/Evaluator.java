package dev.graft.trainer;

import dev.graft.GraftException;
import dev.graft.converter.Network;
import dev.graft.trainer.data.ExampleStream;
import dev.graft.trainer.data.Examples;

/**
 * Test-set accuracy and loss of a classifier, computed from its outputs: a single sigmoid output is
 * read as P(label 1), several outputs as class probabilities.
 */
public final class Evaluator {
  private static final double EPS = 1e-7;
  private static final int BATCH = 1000;

  private Evaluator() {}

  public static Metrics evaluate(Network network, Examples examples) {
    return evaluate(Classifier.of(network), examples);
  }

  /**
   * On streamed examples (images decoded batch by batch): the model's outputs are gathered, then
   * scored as below.
   */
  public static Metrics evaluate(Classifier model, ExampleStream examples) {
    if (examples instanceof Examples inMemory) {
      return evaluate(model, inMemory);
    }
    Examples outputs =
        examples.through(
            model::predict,
            ExampleStream.batchFor(examples.featureCount(), BATCH),
            ExampleStream.Progress.NONE);
    return evaluate(computed(model.label(), outputs.featureCount()), outputs);
  }

  public static Metrics evaluate(Classifier model, Examples examples) {
    int n = examples.size();
    if (n == 0) {
      throw GraftException.usage("no examples to evaluate on");
    }
    Fitter.checkInput(model.label(), model.inputSize(), examples);
    if (examples.regression()) {
      return errors(model, examples);
    }
    int d = examples.featureCount();
    int outputs = -1;
    int correct = 0;
    double lossSum = 0;
    int[][] confusion = null;
    int batch = ExampleStream.batchFor(d, BATCH); // a bounded copy of the inputs at a time
    for (int start = 0; start < n; start += batch) {
      int end = Math.min(n, start + batch);
      float[] rows = java.util.Arrays.copyOfRange(examples.features(), start * d, end * d);
      float[] p = model.predict(rows, end - start);
      if (outputs < 0) {
        outputs = p.length / (end - start);
        checkOutputs(model.label(), examples, outputs);
        confusion = new int[Math.max(2, outputs)][Math.max(2, outputs)];
      }
      for (int i = start; i < end; i++) {
        int label = examples.labels()[i];
        int row = (i - start) * outputs;
        int predicted = predictedClass(p, row, outputs);
        correct += predicted == label ? 1 : 0;
        confusion[label][predicted]++;
        if (outputs == 1) {
          double q = clip(p[row]);
          lossSum -= label == 1 ? Math.log(q) : Math.log(1 - q);
        } else {
          lossSum -= Math.log(clip(p[row + label]));
        }
      }
    }
    return new Metrics((double) correct / n, lossSum / n, n, confusion);
  }

  /** Mean squared and absolute errors over every output of every example. */
  private static Metrics errors(Classifier model, Examples examples) {
    double[][] perOutput = outputErrors(model, examples);
    int k = examples.outputs();
    return Metrics.regression(
        java.util.Arrays.stream(perOutput[0]).sum() / k,
        java.util.Arrays.stream(perOutput[1]).sum() / k,
        examples.size());
  }

  /**
   * Each output's mean squared error ({@code [0]}) and mean absolute error ({@code [1]}) over
   * regression examples.
   */
  public static double[][] outputErrors(Classifier model, Examples examples) {
    int n = examples.size();
    int d = examples.featureCount();
    int k = examples.outputs();
    double[] se = new double[k];
    double[] ae = new double[k];
    int batch = ExampleStream.batchFor(d, BATCH); // a bounded copy of the inputs at a time
    for (int start = 0; start < n; start += batch) {
      int end = Math.min(n, start + batch);
      float[] rows = java.util.Arrays.copyOfRange(examples.features(), start * d, end * d);
      float[] p = model.predict(rows, end - start);
      if (p.length != (end - start) * k) {
        throw GraftException.badInput(
            model.label()
                + " has "
                + p.length / (end - start)
                + " output(s) but the data has "
                + k
                + " target(s) per example");
      }
      for (int j = 0; j < p.length; j++) {
        double e = p[j] - examples.targets()[start * k + j];
        se[j % k] += e * e / n;
        ae[j % k] += Math.abs(e) / n;
      }
    }
    return new double[][] {se, ae};
  }

  /**
   * Accuracy of predictions given as {@code outputs} values per example (as {@link #evaluate} reads
   * them).
   */
  public static double accuracy(float[] predictions, int outputs, int[] labels) {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      correct += predictedClass(predictions, i * outputs, outputs) == labels[i] ? 1 : 0;
    }
    return (double) correct / labels.length;
  }

  /**
   * The class an example's outputs predict: P(1) >= 0.5 for one sigmoid output, else the arg max.
   */
  private static int predictedClass(float[] p, int row, int outputs) {
    if (outputs == 1) {
      return p[row] >= 0.5 ? 1 : 0;
    }
    int best = 0;
    for (int k = 1; k < outputs; k++) {
      if (p[row + k] > p[row + best]) {
        best = k;
      }
    }
    return best;
  }

  private static void checkOutputs(String label, Examples examples, int outputs) {
    if (outputs != examples.outputs()) {
      throw GraftException.usage(
          label
              + ": the model has "
              + outputs
              + " outputs but the task has "
              + (examples.outputs() == 1
                  ? "2 classes (binary, 1 sigmoid output)"
                  : examples.outputs() + " classes")
              + "; choose a task with as many classes as the model has outputs");
    }
  }

  /** Outputs already computed, {@code columns} per example, passed through as the model's. */
  private static Classifier computed(String label, int columns) {
    return new Classifier() {
      @Override
      public String label() {
        return label;
      }

      @Override
      public long inputSize() {
        return columns;
      }

      @Override
      public long[] exampleShape() {
        return new long[] {columns};
      }

      @Override
      public float[] predict(float[] rows, int n) {
        return rows;
      }
    };
  }

  private static double clip(double p) {
    return Math.min(1 - EPS, Math.max(EPS, p));
  }
}
