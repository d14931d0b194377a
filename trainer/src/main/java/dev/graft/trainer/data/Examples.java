package dev.graft.trainer.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Labelled examples in memory: features as flat rows (n x features), labels as task labels. Binary
 * tasks have one output column (0/1); others one-hot columns. Regression examples have {@code
 * targets} instead (n x outputs; their labels are all 0); classification ones have null there.
 */
public record Examples(
    float[] features, int[] labels, int featureCount, int outputs, float[] targets) {

  public Examples(float[] features, int[] labels, int featureCount, int outputs) {
    this(features, labels, featureCount, outputs, null);
  }

  /** Examples with {@code outputs} regression targets each. */
  public static Examples regression(
      float[] features, float[] targets, int featureCount, int outputs) {
    return new Examples(
        features, new int[targets.length / outputs], featureCount, outputs, targets);
  }

  public boolean regression() {
    return targets != null;
  }

  /** The same labels or targets with other features (a trunk's activations of these examples). */
  public Examples withFeatures(float[] newFeatures, int newFeatureCount) {
    return new Examples(newFeatures, labels, newFeatureCount, outputs, targets);
  }

  public int size() {
    return labels.length;
  }

  /** n x featureCount. */
  public INDArray featureMatrix() {
    return Nd4j.create(features, new long[] {size(), featureCount}, 'c');
  }

  /** n x outputs: the targets; for classes 0/1 for one output, one-hot otherwise. */
  public INDArray labelMatrix() {
    if (targets != null) {
      return Nd4j.create(targets.clone(), new long[] {size(), outputs}, 'c');
    }
    float[] out = new float[size() * outputs];
    for (int i = 0; i < size(); i++) {
      if (outputs == 1) {
        out[i] = labels[i];
      } else {
        out[i * outputs + labels[i]] = 1f;
      }
    }
    return Nd4j.create(out, new long[] {size(), outputs}, 'c').castTo(DataType.FLOAT);
  }
}
