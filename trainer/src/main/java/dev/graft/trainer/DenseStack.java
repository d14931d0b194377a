package dev.graft.trainer;

import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A Keras-like Sequential of Dense layers on flattened input, initialised Glorot-uniform (Keras's
 * default) from a seed. The chapter's model A is {@code 784 -> 300, 100, 50, 50, 50 selu -> 8
 * softmax}.
 */
public final class DenseStack {
  private DenseStack() {}

  /** The chapter's model A / model B architecture: five SELU layers and the given output layer. */
  public static List<DenseSpec> chapterHidden() {
    return List.of(
        new DenseSpec(300, "selu"),
        new DenseSpec(100, "selu"),
        new DenseSpec(50, "selu"),
        new DenseSpec(50, "selu"),
        new DenseSpec(50, "selu"));
  }

  public static Network build(
      String name,
      int inputs,
      List<DenseSpec> hidden,
      DenseSpec output,
      Optimizer optimizer,
      long seed) {
    NeuralNetConfiguration.ListBuilder list =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .dataType(DataType.FLOAT)
            .updater(optimizer.updater())
            .weightInit(WeightInit.XAVIER_UNIFORM)
            .list();
    long nIn = inputs;
    for (int i = 0; i < hidden.size(); i++) {
      DenseSpec spec = hidden.get(i);
      list.layer(
          i,
          new DenseLayer.Builder()
              .name("dense_" + i)
              .nIn(nIn)
              .nOut(spec.units())
              .activation(spec.dl4jActivation())
              .build());
      nIn = spec.units();
    }
    list.layer(
        hidden.size(),
        new OutputLayer.Builder(output.loss())
            .name("output")
            .nIn(nIn)
            .nOut(output.units())
            .activation(output.dl4jActivation())
            .build());
    MultiLayerNetwork net = new MultiLayerNetwork(list.build());
    net.init();
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < net.getnLayers(); i++) {
      NetworkSurgery.glorotUniform(net.getLayer(i), rng);
    }
    return new Network(net, name, null, ModelFormat.DL4J_ZIP, "", new long[] {inputs}, "graft");
  }
}
