package dev.graft.e2e;

import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.AlphaDropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small DL4J networks, one or a few layer types each, for the exporter's layer-by-layer checks. */
final class LayerZoo {
  private LayerZoo() {}

  static Map<String, Network> all() {
    Map<String, Network> nets = new LinkedHashMap<>();
    for (Activation a :
        new Activation[] {
          Activation.RELU,
          Activation.LEAKYRELU,
          Activation.RRELU,
          Activation.ELU,
          Activation.SELU,
          Activation.SIGMOID,
          Activation.TANH,
          Activation.SOFTPLUS,
          Activation.SOFTSIGN,
          Activation.HARDSIGMOID,
          Activation.HARDTANH,
          Activation.RELU6,
          Activation.SWISH,
          Activation.CUBE
        }) {
      nets.put("dense_" + a.name().toLowerCase(), dense(a));
    }
    nets.put("prelu", prelu());
    nets.put("batchnorm_dropout", batchNormDropout());
    nets.put("loss_layer", lossLayer());
    nets.put("cnn_nchw", cnn(CNN2DFormat.NCHW));
    nets.put("cnn_nhwc", cnn(CNN2DFormat.NHWC));
    nets.put("global_max_pool", globalPool(PoolingType.MAX));
    nets.put("global_avg_pool", globalPool(PoolingType.AVG));
    nets.put("graph_add_concat", graph());
    return nets;
  }

  private static NeuralNetConfiguration.Builder base() {
    return new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.XAVIER);
  }

  private static Network wrap(Model model, String name, long... inputShape) {
    return new Network(model, name, null, ModelFormat.DL4J_ZIP, "", inputShape, "graft test");
  }

  private static MultiLayerNetwork init(org.deeplearning4j.nn.conf.MultiLayerConfiguration conf) {
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    randomizeBatchNorm(net.getLayers());
    return net;
  }

  static Network dense(Activation activation) {
    return wrap(
        init(
            base()
                .list()
                .layer(
                    new DenseLayer.Builder()
                        .name("hidden")
                        .nIn(784)
                        .nOut(64)
                        .activation(activation)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("out")
                        .nIn(64)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build()),
        "dense_" + activation,
        784);
  }

  static Network prelu() {
    return wrap(
        init(
            base()
                .list()
                .layer(
                    new DenseLayer.Builder()
                        .name("hidden")
                        .nIn(784)
                        .nOut(32)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(new PReLULayer.Builder().name("prelu").inputShape(32).build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.XENT)
                        .name("out")
                        .nIn(32)
                        .nOut(1)
                        .activation(Activation.SIGMOID)
                        .build())
                .setInputType(InputType.feedForward(784))
                .build()),
        "prelu",
        784);
  }

  static Network batchNormDropout() {
    return wrap(
        init(
            base()
                .list()
                .layer(
                    new DenseLayer.Builder()
                        .name("hidden")
                        .nIn(784)
                        .nOut(48)
                        .activation(Activation.IDENTITY)
                        .dropOut(new AlphaDropout(0.9))
                        .hasBias(false)
                        .build())
                .layer(new BatchNormalization.Builder().name("bn").nOut(48).build())
                .layer(new ActivationLayer.Builder().name("act").activation(Activation.ELU).build())
                .layer(new DropoutLayer.Builder(0.5).name("dropout").build())
                .layer(
                    new DenseLayer.Builder()
                        .name("hidden2")
                        .nIn(48)
                        .nOut(24)
                        .activation(Activation.SELU)
                        .dropOut(0.8)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("out")
                        .nIn(24)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build()),
        "batchnorm_dropout",
        784);
  }

  static Network lossLayer() {
    return wrap(
        init(
            base()
                .list()
                .layer(
                    new DenseLayer.Builder()
                        .name("logits")
                        .nIn(784)
                        .nOut(10)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(
                    new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("loss")
                        .activation(Activation.SOFTMAX)
                        .build())
                .build()),
        "loss_layer",
        784);
  }

  static Network cnn(CNN2DFormat format) {
    MultiLayerNetwork net =
        init(
            base()
                .list()
                .layer(
                    new ConvolutionLayer.Builder(5, 5)
                        .name("conv1")
                        .nOut(6)
                        .convolutionMode(ConvolutionMode.Same)
                        .dataFormat(format)
                        .activation(Activation.RELU)
                        .build())
                .layer(new BatchNormalization.Builder().name("bn1").build())
                .layer(
                    new SubsamplingLayer.Builder(PoolingType.MAX)
                        .name("maxpool")
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .dataFormat(format)
                        .build())
                .layer(
                    new ZeroPaddingLayer.Builder(1, 2, 1, 0).name("pad").dataFormat(format).build())
                .layer(
                    new ConvolutionLayer.Builder(3, 3)
                        .name("conv2")
                        .nOut(8)
                        .stride(2, 1)
                        .dilation(1, 2)
                        .convolutionMode(ConvolutionMode.Truncate)
                        .padding(1, 0)
                        .dataFormat(format)
                        .activation(Activation.TANH)
                        .build())
                .layer(
                    new SubsamplingLayer.Builder(PoolingType.AVG)
                        .name("avgpool")
                        .kernelSize(3, 3)
                        .stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same)
                        .dataFormat(format)
                        .build())
                .layer(
                    new DenseLayer.Builder()
                        .name("dense")
                        .nOut(20)
                        .activation(Activation.RELU)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("out")
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(28, 28, 1, format))
                .build());
    return format == CNN2DFormat.NCHW
        ? wrap(net, "cnn_nchw", 1, 28, 28)
        : wrap(net, "cnn_nhwc", 28, 28, 1);
  }

  static Network globalPool(PoolingType type) {
    return wrap(
        init(
            base()
                .list()
                .layer(
                    new ConvolutionLayer.Builder(3, 3)
                        .name("conv")
                        .nOut(12)
                        .activation(Activation.RELU)
                        .build())
                .layer(new GlobalPoolingLayer.Builder(type).name("global").build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("out")
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build()),
        "global_" + type,
        1,
        28,
        28);
  }

  static Network graph() {
    ComputationGraph cg =
        new ComputationGraph(
            base()
                .graphBuilder()
                .addInputs("in")
                .addLayer(
                    "a",
                    new DenseLayer.Builder().nIn(784).nOut(32).activation(Activation.RELU).build(),
                    "in")
                .addLayer(
                    "b",
                    new DenseLayer.Builder().nIn(784).nOut(32).activation(Activation.TANH).build(),
                    "in")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addLayer(
                    "c",
                    new DenseLayer.Builder().nIn(32).nOut(16).activation(Activation.ELU).build(),
                    "sum")
                .addVertex("concat", new MergeVertex(), "a", "c")
                .addLayer(
                    "out",
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(48)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build(),
                    "concat")
                .setOutputs("out")
                .build());
    cg.init();
    return wrap(cg, "graph_add_concat", 784);
  }

  /**
   * Moving mean/variance and gamma/beta away from their initial 0/1, so the check means something.
   */
  private static void randomizeBatchNorm(org.deeplearning4j.nn.api.Layer[] layers) {
    Random r = new Random(3);
    for (var layer : layers) {
      if (!(layer.conf().getLayer() instanceof BatchNormalization)) {
        continue;
      }
      for (var e : layer.paramTable().entrySet()) {
        INDArray p = e.getValue();
        float[] v = new float[(int) p.length()];
        for (int i = 0; i < v.length; i++) {
          v[i] =
              switch (e.getKey()) {
                case "var" -> 0.5f + r.nextFloat();
                case "log10stdev" -> (float) Math.log10(0.7 + r.nextFloat());
                default -> (float) r.nextGaussian() * 0.5f + (e.getKey().equals("gamma") ? 1f : 0f);
              };
        }
        layer.setParam(e.getKey(), Nd4j.create(v, p.shape(), 'c'));
      }
    }
  }
}
