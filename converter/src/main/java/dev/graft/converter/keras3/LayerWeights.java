package dev.graft.converter.keras3;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a Keras layer's variables come from: a {@code .keras} archive's model.weights.h5 or a
 * legacy HDF5 model file. Either way, the variables of one layer in Keras's order (kernel, bias;
 * gamma, beta, moving mean, moving variance) and Keras's layout.
 */
interface LayerWeights extends AutoCloseable {
  /** The layer's variables, in order; empty when it has none. */
  List<INDArray> vars(FlatLayer layer);

  @Override
  void close();
}
