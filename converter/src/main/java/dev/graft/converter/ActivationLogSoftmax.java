package dev.graft.converter;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * log(softmax(x)) over the features of a [batch, features] array, which ONNX's LogSoftmax computes
 * and DL4J has no activation for. Computed as x - max - log(sum(exp(x - max))) so it stays finite.
 * DL4J saves it in zips by class name.
 */
public final class ActivationLogSoftmax extends BaseActivationFunction {
  @Override
  public INDArray getActivation(INDArray in, boolean training) {
    INDArray shifted = in.subColumnVector(in.max(true, 1));
    INDArray logSum = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
    return in.assign(shifted.subiColumnVector(logSum));
  }

  /** d/dx of log softmax applied to the error: epsilon - softmax(x) * sum(epsilon). */
  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    assertShape(in, epsilon);
    INDArray shifted = in.subColumnVector(in.max(true, 1));
    INDArray exp = Transforms.exp(shifted, true);
    INDArray softmax = exp.diviColumnVector(exp.sum(true, 1));
    INDArray grad = epsilon.sub(softmax.muliColumnVector(epsilon.sum(true, 1)));
    in.assign(grad);
    return new Pair<>(in, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationLogSoftmax;
  }

  @Override
  public int hashCode() {
    return ActivationLogSoftmax.class.hashCode();
  }

  @Override
  public String toString() {
    return "logsoftmax";
  }
}
