package dev.graft.trainer;

import dev.graft.GraftException;
import dev.graft.converter.Network;
import dev.graft.trainer.data.Examples;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Test-set accuracy and loss of a classifier, computed from its outputs: a single sigmoid
 * output is read as P(label 1), several outputs as class probabilities.
 */
public final class Evaluator {
  private static final double EPS = 1e-7;
  private static final int BATCH = 1000;

  private Evaluator() {}

  public static Metrics evaluate(Network network, Examples examples) {
    int n = examples.size();
    if (n == 0) {
      throw GraftException.usage("no examples to evaluate on");
    }
    Fitter.checkInput(network, examples);
    INDArray x = examples.featureMatrix();
    int outputs = -1;
    int correct = 0;
    double lossSum = 0;
    for (int start = 0; start < n; start += BATCH) {
      int end = Math.min(n, start + BATCH);
      INDArray out = network.outputFlat(x.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()));
      if (outputs < 0) {
        outputs = (int) out.size(1);
        checkOutputs(network, examples, outputs);
      }
      float[] p = out.dup('c').data().asFloat();
      for (int i = start; i < end; i++) {
        int label = examples.labels()[i];
        int row = (i - start) * outputs;
        if (outputs == 1) {
          double q = clip(p[row]);
          correct += (q >= 0.5 ? 1 : 0) == label ? 1 : 0;
          lossSum -= label == 1 ? Math.log(q) : Math.log(1 - q);
        } else {
          int best = 0;
          for (int k = 1; k < outputs; k++) {
            if (p[row + k] > p[row + best]) {
              best = k;
            }
          }
          correct += best == label ? 1 : 0;
          lossSum -= Math.log(clip(p[row + label]));
        }
      }
    }
    return new Metrics((double) correct / n, lossSum / n, n);
  }

  private static void checkOutputs(Network network, Examples examples, int outputs) {
    if (outputs != examples.outputs() && !(outputs == 2 && examples.outputs() == 1)) {
      throw GraftException.usage(network.label() + ": the model has " + outputs + " outputs but the task has "
          + (examples.outputs() == 1 ? "2 classes (binary, 1 output)" : examples.outputs() + " classes")
          + "; choose a task with as many classes as the model has outputs");
    }
    if (outputs == 2 && examples.outputs() == 1) {
      throw GraftException.unsupported(network.label() + ": two softmax outputs for a binary task are not supported; "
          + "use --classes without --positive");
    }
  }

  private static double clip(double p) {
    return Math.min(1 - EPS, Math.max(EPS, p));
  }
}
