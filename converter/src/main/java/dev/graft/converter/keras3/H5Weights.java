package dev.graft.converter.keras3;

import dev.graft.converter.KerasH5File;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A legacy HDF5 model file's weights (Keras 2, or Keras 3's {@code model.save("x.h5")}), found by
 * each layer's name in the {@code weight_names} of its top-level layer's group, never by guessing
 * paths: Keras 3 writes them without {@code :0} and one group deeper than Keras 2.
 */
final class H5Weights implements LayerWeights {
  private final KerasH5File h5;

  H5Weights(KerasH5File h5) {
    this.h5 = h5;
  }

  @Override
  public List<INDArray> vars(FlatLayer layer) {
    return h5.weightList(layer.path());
  }

  @Override
  public void close() {
    h5.close();
  }
}
