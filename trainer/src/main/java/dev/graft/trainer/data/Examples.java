package dev.graft.trainer.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Labelled examples in memory: features as flat rows (n x features), labels as task labels. Binary
 * tasks have one output column (0/1); others one-hot columns.
 */
public record Examples(float[] features, int[] labels, int featureCount, int outputs) {

  public int size() {
    return labels.length;
  }

  /** n x featureCount. */
  public INDArray featureMatrix() {
    return Nd4j.create(features, new long[] {size(), featureCount}, 'c');
  }

  /** n x outputs: 0/1 for one output, one-hot otherwise. */
  public INDArray labelMatrix() {
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
