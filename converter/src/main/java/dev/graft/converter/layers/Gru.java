package dev.graft.converter.layers;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The configuration of a GRU layer, which DL4J lacks: Keras's GRU with both {@code reset_after}
 * settings, its gates in Keras's order (update z, reset r, candidate h) so Keras's weights load
 * unchanged. {@code activationFn} is the candidate's activation (tanh), {@code gateActivationFn}
 * the gates' (sigmoid). Parameters: W [nIn, 3 units], RW [units, 3 units], b [1, 3 units] and, with
 * reset_after, the recurrent bias rb [1, 3 units]. Saved in DL4J zips by class name; the running
 * layer is {@link GruLayer}.
 */
public final class Gru extends BaseRecurrentLayer {
  private boolean resetAfter = true;
  private IActivation gateActivationFn = new ActivationSigmoid();

  /** For Jackson, which reads the fields back from a saved network configuration. */
  private Gru() {}

  private Gru(Builder b) {
    super(b);
    this.resetAfter = b.resetAfter;
    this.gateActivationFn = b.gateActivationFn;
  }

  /** Whether the reset gate applies after the recurrent product (Keras 2.x/3 default: true). */
  public boolean isResetAfter() {
    return resetAfter;
  }

  public IActivation getGateActivationFn() {
    return gateActivationFn;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(
      NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners,
      int layerIndex,
      INDArray layerParamsView,
      boolean initializeParams,
      DataType networkDataType) {
    LayerValidation.assertNInNOutSet("Gru", getLayerName(), layerIndex, getNIn(), getNOut());
    GruLayer layer = new GruLayer(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(layerParamsView);
    Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
    layer.setParamTable(params);
    layer.setConf(conf);
    return layer;
  }

  @Override
  public ParamInitializer initializer() {
    return GruParams.INSTANCE;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    long params = initializer().numParams(this);
    return new LayerMemoryReport.Builder(
            getLayerName(), Gru.class, inputType, getOutputType(-1, inputType))
        .standardMemory(params, params)
        .workingMemory(0, 0, 0, 0)
        .cacheMemory(0, 0)
        .build();
  }

  /** Builds a {@link Gru}: nIn, nOut (units), activation, weight init and data format as DL4J's. */
  public static final class Builder extends BaseRecurrentLayer.Builder<Builder> {
    private boolean resetAfter = true;
    private IActivation gateActivationFn = new ActivationSigmoid();

    public Builder resetAfter(boolean resetAfter) {
      this.resetAfter = resetAfter;
      return this;
    }

    public Builder gateActivation(IActivation gateActivationFn) {
      this.gateActivationFn = gateActivationFn;
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Gru build() {
      return new Gru(this);
    }
  }
}
