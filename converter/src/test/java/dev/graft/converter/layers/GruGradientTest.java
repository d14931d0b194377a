package dev.graft.converter.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * graft's GRU trains: its hand-written backpropagation through time agrees with finite differences
 * of its forward pass (DL4J's GradientCheckUtil, in double precision), for both reset_after
 * settings, alone and inside DL4J's Bidirectional. The forward pass itself is checked against the
 * NumPy oracle on Keras files (RealKerasFilesTest, RecurrentLayersTest).
 */
class GruGradientTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "after",
        "before",
        "after-bidirectional",
        "before-bidirectional",
        "after-masked",
        "before-masked"
      })
  void backpropagationMatchesFiniteDifferences(String mode) {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      boolean resetAfter = mode.startsWith("after");
      Gru gru =
          new Gru.Builder()
              .resetAfter(resetAfter)
              .nIn(3)
              .nOut(4)
              .activation(Activation.TANH)
              .dataFormat(RNNFormat.NWC)
              .weightInit(WeightInit.XAVIER)
              .build();
      var layer = mode.endsWith("bidirectional") ? new Bidirectional(gru) : gru;
      // padding before, after and in the middle: masked steps carry the state unchanged
      INDArray mask =
          mode.endsWith("masked")
              ? Nd4j.create(new double[][] {{0, 0, 1, 1, 1}, {1, 0, 1, 1, 0}})
              : null;
      MultiLayerConfiguration conf =
          new NeuralNetConfiguration.Builder()
              .seed(12345)
              .dataType(DataType.DOUBLE)
              .updater(new NoOp())
              .weightInit(WeightInit.XAVIER)
              .list()
              .layer(layer)
              .layer(
                  new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                      .activation(Activation.IDENTITY)
                      .nOut(2)
                      .dataFormat(RNNFormat.NWC)
                      .build())
              .setInputType(InputType.recurrent(3, 5, RNNFormat.NWC))
              .build();
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      // Non-zero biases, so every bias path is exercised.
      net.params().addi(Nd4j.rand(DataType.DOUBLE, net.params().shape()).subi(0.5).muli(0.2));
      INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 5, 3).subi(0.5);
      INDArray y = Nd4j.rand(DataType.DOUBLE, 2, 5, 2);
      boolean ok =
          GradientCheckUtil.checkGradients(
              new GradientCheckUtil.MLNConfig()
                  .net(net)
                  .input(x)
                  .labels(y)
                  .inputMask(mask)
                  .labelMask(mask)
                  .epsilon(1e-6)
                  .maxRelError(1e-5)
                  .minAbsoluteError(1e-9));
      assertTrue(ok, "GRU (" + mode + ") gradients differ from finite differences");
    } finally {
      Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
  }
}
