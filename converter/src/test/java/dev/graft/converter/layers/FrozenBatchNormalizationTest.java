package dev.graft.converter.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A frozen batch normalization between trainable layers: the layers below it get the gradients
 * finite differences give (DL4J's GradientCheckUtil, double precision; the frozen statistics and
 * scales are left out, as they do not train), and its output is inference-mode batch normalization.
 */
class FrozenBatchNormalizationTest {
  @Test
  void gradientsPassThroughAsFiniteDifferencesSay() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      BatchNormalization bn =
          new BatchNormalization.Builder()
              .nIn(3)
              .nOut(3)
              .useLogStd(false)
              .dataFormat(CNN2DFormat.NHWC)
              .build();
      MultiLayerConfiguration conf =
          new NeuralNetConfiguration.Builder()
              .seed(7)
              .dataType(DataType.DOUBLE)
              .updater(new NoOp())
              .weightInit(WeightInit.XAVIER)
              .list()
              .layer(
                  new ConvolutionLayer.Builder(2, 2)
                      .nOut(3)
                      .activation(Activation.TANH)
                      .dataFormat(CNN2DFormat.NHWC)
                      .build())
              .layer(new FrozenBatchNormalization(bn))
              .layer(
                  new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                      .activation(Activation.IDENTITY)
                      .nOut(2)
                      .build())
              .setInputType(InputType.convolutional(4, 4, 2, CNN2DFormat.NHWC))
              .build();
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      // statistics and scales that are not the identity
      net.getLayer(1).setParam("gamma", Nd4j.create(new double[][] {{1.5, 0.5, -2}}));
      net.getLayer(1).setParam("beta", Nd4j.create(new double[][] {{0.1, -0.2, 0.3}}));
      net.getLayer(1).setParam("mean", Nd4j.create(new double[][] {{0.2, -0.1, 0.05}}));
      net.getLayer(1).setParam("var", Nd4j.create(new double[][] {{0.5, 2, 1.2}}));
      INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 4, 4, 2).subi(0.5);
      INDArray y = Nd4j.rand(DataType.DOUBLE, 2, 2);
      boolean ok =
          GradientCheckUtil.checkGradients(
              new GradientCheckUtil.MLNConfig()
                  .net(net)
                  .input(x)
                  .labels(y)
                  .epsilon(1e-6)
                  .maxRelError(1e-5)
                  .minAbsoluteError(1e-9)
                  .excludeParams(Set.of("1_gamma", "1_beta", "1_mean", "1_var")));
      assertTrue(ok, "gradients below the frozen batch normalization");
      // inference-mode batch normalization, in training too
      INDArray conv = net.feedForwardToLayer(0, x, true).get(1);
      INDArray expected =
          conv.sub(Nd4j.create(new double[] {0.2, -0.1, 0.05}).reshape(1, 1, 1, 3))
              .div(
                  Nd4j.create(
                          new double[] {
                            Math.sqrt(0.5 + 1e-5), Math.sqrt(2 + 1e-5), Math.sqrt(1.2 + 1e-5)
                          })
                      .reshape(1, 1, 1, 3))
              .mul(Nd4j.create(new double[] {1.5, 0.5, -2}).reshape(1, 1, 1, 3))
              .add(Nd4j.create(new double[] {0.1, -0.2, 0.3}).reshape(1, 1, 1, 3));
      INDArray actual = net.feedForwardToLayer(1, x, true).get(2);
      assertEquals(0, expected.sub(actual).amaxNumber().doubleValue(), 1e-9);
    } finally {
      Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
  }
}
