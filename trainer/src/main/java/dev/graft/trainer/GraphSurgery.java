package dev.graft.trainer;

import dev.graft.GraftException;
import dev.graft.converter.layers.FrozenBatchNormalization;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * {@link NetworkSurgery} for graphs (Keras Functional models): every vertex but the output layer
 * kept with its weights, a new Dense head on what the output layer took, some layers frozen. Each
 * call makes a fresh graph (fresh optimizer state) with the same weights.
 */
final class GraphSurgery {
  private GraphSurgery() {}

  /**
   * The graph's layers other than its output layer, in topological order: what a new head reuses.
   */
  static List<String> reusedLayers(ComputationGraph base) {
    ComputationGraphConfiguration conf = base.getConfiguration();
    String out = output(conf);
    List<String> names = new ArrayList<>();
    for (String name : conf.getTopologicalOrderStr()) {
      if (!name.equals(out) && conf.getVertices().get(name) instanceof LayerVertex) {
        names.add(name);
      }
    }
    return names;
  }

  static ComputationGraph withNewHead(
      ComputationGraph base,
      List<DenseSpec> head,
      Set<String> frozen,
      IUpdater updater,
      long seed) {
    ComputationGraphConfiguration conf = base.getConfiguration();
    String out = output(conf);
    if (!(conf.getVertices().get(out) instanceof LayerVertex outVertex)
        || !(NetworkSurgery.unwrap(outVertex.getLayerConf().getLayer())
            instanceof FeedForwardLayer dropped)
        || dropped.getNIn() <= 0) {
      throw GraftException.unsupported(
          "the graph's output '" + out + "' is not a dense layer; its head cannot be replaced");
    }
    ComputationGraphConfiguration.GraphBuilder g = builder(updater, seed);
    copyVertices(conf, g, Set.of(out), frozen, updater, base);
    String[] into = conf.getVertexInputs().get(out).toArray(String[]::new);
    InputPreProcessor pp = outVertex.getPreProcessor();
    long nIn = dropped.getNIn();
    List<String> headNames = new ArrayList<>();
    for (int j = 0; j < head.size(); j++) {
      DenseSpec spec = head.get(j);
      boolean last = j == head.size() - 1;
      String name = unique(conf, last ? "head" : "head_" + j);
      FeedForwardLayer.Builder<?> b =
          last ? new OutputLayer.Builder(spec.loss()) : new DenseLayer.Builder();
      Layer layer =
          b.name(name)
              .nIn(nIn)
              .nOut(spec.units())
              .activation(spec.dl4jActivation())
              .weightInit(WeightInit.XAVIER_UNIFORM)
              .updater(updater.clone())
              .build();
      if (pp != null) {
        g.addLayer(name, layer, pp.clone(), into);
        pp = null;
      } else {
        g.addLayer(name, layer, into);
      }
      into = new String[] {name};
      headNames.add(name);
      nIn = spec.units();
    }
    g.setOutputs(into[0]);
    ComputationGraph net = new ComputationGraph(g.build());
    net.init();
    for (String name : reusedLayers(base)) {
      if (base.getLayer(name).numParams() > 0) {
        net.getLayer(name).setParams(base.getLayer(name).params().dup());
      }
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (String name : headNames) {
      NetworkSurgery.glorotUniform(net.getLayer(name), rng);
    }
    return net;
  }

  /** The same graph and weights with another frozen set and optimizer. */
  static ComputationGraph rebuild(
      ComputationGraph net, Set<String> frozen, IUpdater updater, long seed) {
    ComputationGraphConfiguration conf = net.getConfiguration();
    ComputationGraphConfiguration.GraphBuilder g = builder(updater, seed);
    copyVertices(conf, g, Set.of(), frozen, updater, net);
    g.setOutputs(conf.getNetworkOutputs().toArray(String[]::new));
    ComputationGraph rebuilt = new ComputationGraph(g.build());
    rebuilt.init(net.params().dup(), false);
    return rebuilt;
  }

  private static void copyVertices(
      ComputationGraphConfiguration conf,
      ComputationGraphConfiguration.GraphBuilder g,
      Set<String> skip,
      Set<String> frozen,
      IUpdater updater,
      ComputationGraph source) {
    g.addInputs(conf.getNetworkInputs());
    for (String name : conf.getTopologicalOrderStr()) {
      GraphVertex vertex = conf.getVertices().get(name);
      if (vertex == null || skip.contains(name)) {
        continue;
      }
      String[] inputs = conf.getVertexInputs().get(name).toArray(String[]::new);
      if (vertex instanceof LayerVertex lv) {
        Layer layer = NetworkSurgery.unwrap(lv.getLayerConf().getLayer()).clone();
        if (layer instanceof BaseLayer b) {
          b.setIUpdater(updater.clone());
        }
        if (frozen.contains(name) && source.getLayer(name).numParams() > 0) {
          // A graph's backward pass wants an error for every vertex, even below frozen layers:
          // these pass it on.
          layer =
              layer instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization
                  ? new FrozenBatchNormalization(layer)
                  : new FrozenLayerWithBackprop(layer);
        }
        InputPreProcessor pp = lv.getPreProcessor();
        if (pp == null) {
          g.addLayer(name, layer, inputs);
        } else {
          g.addLayer(name, layer, pp.clone(), inputs);
        }
      } else {
        g.addVertex(name, vertex.clone(), inputs);
      }
    }
  }

  private static ComputationGraphConfiguration.GraphBuilder builder(IUpdater updater, long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .updater(updater.clone())
        .graphBuilder();
  }

  /** The layers {@link #withNewHead} added, in order (the graph's layers not in {@code reused}). */
  static List<String> headLayers(ComputationGraph net, List<String> reused) {
    List<String> out = new ArrayList<>();
    for (String name : net.getConfiguration().getTopologicalOrderStr()) {
      if (net.getConfiguration().getVertices().get(name) instanceof LayerVertex
          && !reused.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /** The one layer feeding the graph's output layer, or null when it takes several or none. */
  static String intoOutput(ComputationGraph net) {
    ComputationGraphConfiguration conf = net.getConfiguration();
    List<String> into = conf.getVertexInputs().get(output(conf));
    return into != null
            && into.size() == 1
            && conf.getVertices().get(into.get(0)) instanceof LayerVertex
        ? into.get(0)
        : null;
  }

  private static String output(ComputationGraphConfiguration conf) {
    if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
      throw GraftException.unsupported(
          "graphs with "
              + conf.getNetworkInputs().size()
              + " inputs and "
              + conf.getNetworkOutputs().size()
              + " outputs cannot be fine-tuned (one of each is supported)");
    }
    return conf.getNetworkOutputs().get(0);
  }

  private static String unique(ComputationGraphConfiguration conf, String name) {
    Set<String> taken = new HashSet<>(conf.getVertices().keySet());
    taken.addAll(conf.getNetworkInputs());
    String candidate = name;
    for (int i = 1; taken.contains(candidate); i++) {
      candidate = name + "_" + i;
    }
    return candidate;
  }
}
