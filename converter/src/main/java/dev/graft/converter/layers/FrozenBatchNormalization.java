package dev.graft.converter.layers;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A frozen batch normalization that passes gradients on, as Keras runs a BatchNormalization layer
 * that is not trainable: inference mode with its stored statistics. DL4J's own
 * FrozenLayerWithBackprop cannot (its BatchNormalization backpropagates only after a training-mode
 * pass, and fails with a stale workspace pointer after the inference-mode one); the running layer,
 * {@link FrozenBatchNormalizationLayer}, multiplies the error by gamma / sqrt(var + eps).
 */
public final class FrozenBatchNormalization extends FrozenLayerWithBackprop {
  public FrozenBatchNormalization(@JsonProperty("layer") Layer layer) {
    super(layer);
    if (!(layer instanceof BatchNormalization)) {
      throw new IllegalArgumentException("not a BatchNormalization: " + layer);
    }
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(
      NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners,
      int layerIndex,
      INDArray layerParamsView,
      boolean initializeParams,
      DataType networkDataType) {
    var wrapped =
        (org.deeplearning4j.nn.layers.FrozenLayerWithBackprop)
            super.instantiate(
                conf, listeners, layerIndex, layerParamsView, initializeParams, networkDataType);
    return new FrozenBatchNormalizationLayer(wrapped.getInsideLayer());
  }
}
