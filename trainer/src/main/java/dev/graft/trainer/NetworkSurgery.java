package dev.graft.trainer;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Builds layer stacks from other layer stacks: keep the lower layers of a network with their
 * weights, add Dense layers on top, freeze some. Like Keras's recompile after changing {@code
 * trainable}, every call makes a fresh network (fresh optimizer state) with the same weights.
 */
final class NetworkSurgery {
  private NetworkSurgery() {}

  /**
   * The first {@code keep} layers of {@code base} (weights copied), then {@code head} (the last is
   * the output layer), initialised Glorot-uniform from {@code seed} as Keras does.
   */
  static MultiLayerNetwork withNewHead(
      MultiLayerNetwork base,
      int keep,
      List<DenseSpec> head,
      Set<Integer> frozen,
      IUpdater updater,
      long seed) {
    MultiLayerConfiguration baseConf = base.getLayerWiseConfigurations();
    NeuralNetConfiguration.ListBuilder list = builder(updater, seed);
    long nIn = 0;
    for (int i = 0; i < keep; i++) {
      Layer layer = unwrap(baseConf.getConf(i).getLayer()).clone();
      list.layer(i, prepare(layer, i, frozen, updater, base));
      if (layer instanceof FeedForwardLayer ff && ff.getNOut() > 0) {
        nIn = ff.getNOut();
      }
    }
    copyPreprocessors(baseConf.getInputPreProcessors(), list, keep);
    // The first dropped layer knew how the trunk's output reaches a dense layer (a flatten, for a
    // convolutional trunk) and how many values that gives: the new head takes over both.
    Layer dropped = unwrap(baseConf.getConf(keep).getLayer());
    if (baseConf.getInputPreProcess(keep) != null) {
      list.inputPreProcessor(keep, baseConf.getInputPreProcess(keep).clone());
    }
    if (dropped instanceof FeedForwardLayer ff
        && ff.getNIn() > 0
        && (dropped instanceof DenseLayer || dropped instanceof OutputLayer)) {
      nIn = ff.getNIn();
    }
    for (int j = 0; j < head.size(); j++) {
      DenseSpec spec = head.get(j);
      boolean last = j == head.size() - 1;
      FeedForwardLayer.Builder<?> b =
          last ? new OutputLayer.Builder(spec.loss()) : new DenseLayer.Builder();
      list.layer(
          keep + j,
          b.name(last ? "head" : "head_" + j)
              .nIn(nIn)
              .nOut(spec.units())
              .activation(spec.dl4jActivation())
              .weightInit(WeightInit.XAVIER_UNIFORM)
              .updater(updater.clone())
              .build());
      nIn = spec.units();
    }
    MultiLayerNetwork net = new MultiLayerNetwork(list.build());
    net.init();
    for (int i = 0; i < keep; i++) {
      if (base.getLayer(i).numParams() > 0) {
        net.getLayer(i).setParams(base.getLayer(i).params().dup());
      }
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = keep; i < net.getnLayers(); i++) {
      glorotUniform(net.getLayer(i), rng);
    }
    return net;
  }

  /** The same layers and weights with another frozen set and optimizer. */
  static MultiLayerNetwork rebuild(
      MultiLayerNetwork net, Set<Integer> frozen, IUpdater updater, long seed) {
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
    NeuralNetConfiguration.ListBuilder list = builder(updater, seed);
    for (int i = 0; i < net.getnLayers(); i++) {
      list.layer(i, prepare(unwrap(conf.getConf(i).getLayer()).clone(), i, frozen, updater, net));
    }
    copyPreprocessors(conf.getInputPreProcessors(), list, net.getnLayers());
    MultiLayerNetwork rebuilt = new MultiLayerNetwork(list.build());
    rebuilt.init(net.params().dup(), false);
    return rebuilt;
  }

  private static NeuralNetConfiguration.ListBuilder builder(IUpdater updater, long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .updater(updater.clone())
        .list();
  }

  private static Layer prepare(
      Layer layer, int index, Set<Integer> frozen, IUpdater updater, MultiLayerNetwork source) {
    if (layer instanceof BaseLayer base) {
      base.setIUpdater(updater.clone());
    }
    if (!frozen.contains(index) || source.getLayer(index).numParams() == 0) {
      return layer;
    }
    // No gradient needs to flow below a frozen layer when every trainable layer is above it.
    Layer wrapper = new FrozenLayer(layer);
    for (int j = 0; j < index; j++) {
      if (!frozen.contains(j) && source.getLayer(j).numParams() > 0) {
        wrapper =
            layer instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization
                ? new dev.graft.converter.layers.FrozenBatchNormalization(layer)
                : new FrozenLayerWithBackprop(layer);
        break;
      }
    }
    // The wrapper carries the layer's name: DL4J would call an unnamed wrapper "layerN" and pass
    // that name down to the layer, and the saved model would lose the Keras names --freeze uses.
    wrapper.setLayerName(layer.getLayerName());
    return wrapper;
  }

  static Layer unwrap(Layer layer) {
    if (layer instanceof FrozenLayer f) {
      return f.getLayer();
    }
    if (layer instanceof FrozenLayerWithBackprop f) {
      return f.getUnderlying();
    }
    return layer;
  }

  private static void copyPreprocessors(
      Map<Integer, InputPreProcessor> from, NeuralNetConfiguration.ListBuilder to, int below) {
    from.forEach(
        (i, p) -> {
          if (i < below) {
            to.inputPreProcessor(i, p.clone());
          }
        });
  }

  /** Keras's glorot_uniform kernel and zero bias, from our own seeded generator. */
  static void glorotUniform(org.deeplearning4j.nn.api.Layer layer, SplittableRandom rng) {
    var params = layer.paramTable();
    var w = params.get("W");
    if (w == null) {
      return;
    }
    long fanIn = w.size(0);
    long fanOut = w.size(1);
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    float[] values = new float[(int) (fanIn * fanOut)];
    for (int k = 0; k < values.length; k++) {
      values[k] = (float) ((rng.nextDouble() * 2 - 1) * limit);
    }
    layer.setParam("W", Nd4j.create(values, new long[] {fanIn, fanOut}, 'c'));
    if (params.containsKey("b")) {
      layer.setParam("b", Nd4j.zeros(DataType.FLOAT, params.get("b").shape()));
    }
  }
}
