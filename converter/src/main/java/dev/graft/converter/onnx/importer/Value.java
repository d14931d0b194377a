package dev.graft.converter.onnx.importer;

import java.util.List;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What an ONNX tensor name stands for while a graph is imported. */
sealed interface Value {
  /**
   * The dynamic batch dimension inside {@link Ints} (shapes computed by Shape/Gather/Concat
   * chains).
   */
  long BATCH = Long.MIN_VALUE;

  /** A value known before any input arrives: an initializer, a Constant, or folded from those. */
  record Constant(INDArray array) implements Value {}

  /**
   * A small integer vector (or scalar) that may hold {@link #BATCH}: what exporters compute shapes
   * with.
   */
  record Ints(long[] values, boolean scalar) implements Value {}

  /**
   * A tensor computed by the network: the DL4J vertex that computes it, its ONNX shape (-1 for the
   * batch dimension at 0), and reshapes not yet applied (flatten, say), which ride along to the
   * next layer.
   */
  record Tensor(String vertex, long[] shape, List<InputPreProcessor> pending) implements Value {
    int rank() {
      return shape.length;
    }
  }
}
