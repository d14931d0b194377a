package dev.graft.converter.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The parameters of a {@link Gru}, as views of the network's flat parameter vector: W, RW, b and,
 * with reset_after, rb. Weights start from the layer's weight init (RW from its recurrent init when
 * set), biases at zero as Keras's.
 */
final class GruParams implements ParamInitializer {
  static final GruParams INSTANCE = new GruParams();
  static final String W = "W";
  static final String RW = "RW";
  static final String B = "b";
  static final String RB = "rb";

  private GruParams() {}

  @Override
  public long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public long numParams(Layer layer) {
    Gru g = (Gru) layer;
    long gates = 3 * g.getNOut();
    return g.getNIn() * gates + g.getNOut() * gates + gates * (g.isResetAfter() ? 2 : 1);
  }

  @Override
  public List<String> paramKeys(Layer layer) {
    return ((Gru) layer).isResetAfter() ? List.of(W, RW, B, RB) : List.of(W, RW, B);
  }

  @Override
  public List<String> weightKeys(Layer layer) {
    return List.of(W, RW);
  }

  @Override
  public List<String> biasKeys(Layer layer) {
    return ((Gru) layer).isResetAfter() ? List.of(B, RB) : List.of(B);
  }

  @Override
  public boolean isWeightParam(Layer layer, String key) {
    return W.equals(key) || RW.equals(key);
  }

  @Override
  public boolean isBiasParam(Layer layer, String key) {
    return B.equals(key) || RB.equals(key);
  }

  @Override
  public Map<String, INDArray> init(
      NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
    Gru g = (Gru) conf.getLayer();
    Map<String, INDArray> views = views(g, paramsView);
    if (initializeParams) {
      long nIn = g.getNIn();
      long units = g.getNOut();
      IWeightInit init = g.getWeightInitFn();
      IWeightInit recurrent =
          g.getWeightInitFnRecurrent() == null ? init : g.getWeightInitFnRecurrent();
      INDArray w = views.get(W);
      INDArray rw = views.get(RW);
      init.init(nIn, 3 * units, w.shape(), IWeightInit.DEFAULT_WEIGHT_INIT_ORDER, w);
      recurrent.init(units, 3 * units, rw.shape(), IWeightInit.DEFAULT_WEIGHT_INIT_ORDER, rw);
      views.get(B).assign(0);
      if (g.isResetAfter()) {
        views.get(RB).assign(0);
      }
    }
    return views;
  }

  @Override
  public Map<String, INDArray> getGradientsFromFlattened(
      NeuralNetConfiguration conf, INDArray gradientView) {
    return views((Gru) conf.getLayer(), gradientView);
  }

  private static Map<String, INDArray> views(Gru g, INDArray flat) {
    INDArray v = flat.reshape(flat.length());
    long nIn = g.getNIn();
    long gates = 3 * g.getNOut();
    Map<String, INDArray> m = new LinkedHashMap<>();
    long at = 0;
    m.put(W, v.get(NDArrayIndex.interval(at, at + nIn * gates)).reshape('f', nIn, gates));
    at += nIn * gates;
    m.put(
        RW,
        v.get(NDArrayIndex.interval(at, at + g.getNOut() * gates))
            .reshape('f', g.getNOut(), gates));
    at += g.getNOut() * gates;
    m.put(B, v.get(NDArrayIndex.interval(at, at + gates)).reshape(1, gates));
    at += gates;
    if (g.isResetAfter()) {
      m.put(RB, v.get(NDArrayIndex.interval(at, at + gates)).reshape(1, gates));
    }
    return m;
  }
}
