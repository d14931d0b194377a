package dev.graft.trainer.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The oracle is DL4J's own dense layer: the same network trained from the same start on the same
 * batches with DL4J's layers and with graft's one-pass layers ends with bit-identical weights.
 */
class OnePassDenseLayerTest {
  @Test
  void seluStackWithSgdTrainsExactlyAsDl4jsLayer() {
    assertSameTraining(
        () ->
            new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(1e-2))
                .list()
                .layer(
                    new DenseLayer.Builder().nIn(20).nOut(30).activation(Activation.SELU).build())
                .layer(
                    new DenseLayer.Builder().nIn(30).nOut(10).activation(Activation.SELU).build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(10)
                        .nOut(4)
                        .activation(Activation.SOFTMAX)
                        .build()));
  }

  @Test
  void dropoutL2AndBatchNormWithAdamTrainExactlyAsDl4jsLayer() {
    assertSameTraining(
        () ->
            new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .l2(1e-3)
                .list()
                .layer(
                    new DenseLayer.Builder()
                        .nIn(20)
                        .nOut(30)
                        .activation(Activation.RELU)
                        .dropOut(0.8)
                        .build())
                .layer(new BatchNormalization.Builder().nOut(30).build())
                .layer(
                    new DenseLayer.Builder()
                        .nIn(30)
                        .nOut(10)
                        .activation(Activation.ELU)
                        .hasBias(false)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(10)
                        .nOut(4)
                        .activation(Activation.SOFTMAX)
                        .build()));
  }

  @Test
  void chapterSizedEluNetWithDropoutTrainsExactlyAsDl4jsLayer() {
    // The dropout experiment's sizes: small products are where OpenBLAS's bits depend on operand
    // layouts.
    assertSameTraining(
        () ->
            new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(
                    new DenseLayer.Builder()
                        .nIn(784)
                        .nOut(300)
                        .activation(Activation.ELU)
                        .dropOut(0.8)
                        .build())
                .layer(
                    new DenseLayer.Builder()
                        .nIn(300)
                        .nOut(100)
                        .activation(Activation.ELU)
                        .dropOut(0.8)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(100)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build()),
        new long[] {32, 784},
        10);
  }

  @Test
  void firstLayerBehindAnInputPreprocessorTrainsExactlyAsDl4jsLayer() {
    assertSameTraining(
        () ->
            new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(1e-2))
                .list()
                .layer(new DenseLayer.Builder().nOut(30).activation(Activation.SELU).build())
                .layer(
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(4)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(4, 5, 1)),
        new long[] {64, 1, 4, 5},
        4);
  }

  @Test
  void seluBackpropEqualsDl4jsBitForBit() {
    int n = 200_001;
    INDArray z =
        Nd4j.linspace(DataType.FLOAT, -30, 0.0003, n).reshape(1, n); // through 0, in small steps
    INDArray eps = Nd4j.rand(DataType.FLOAT, 1, n).subi(0.5);
    INDArray dl4j = new ActivationSELU().backprop(z.dup(), eps.dup()).getFirst();
    INDArray graft = OnePassDenseLayer.seluBackprop(z.dup(), eps.dup());
    assertArrayEquals(dl4j.toFloatVector(), graft.toFloatVector(), 0f);
  }

  private static void assertSameTraining(Supplier<NeuralNetConfiguration.ListBuilder> conf) {
    assertSameTraining(conf, new long[] {64, 20}, 4);
  }

  private static void assertSameTraining(
      Supplier<NeuralNetConfiguration.ListBuilder> conf, long[] inputShape, int classes) {
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.rand(DataType.FLOAT, inputShape);
    INDArray y = Nd4j.zeros(DataType.FLOAT, inputShape[0], classes);
    for (int r = 0; r < inputShape[0]; r++) {
      y.putScalar(r, r % classes, 1f);
    }
    float[] dl4j = train(conf, x, y, false);
    float[] onePass = train(conf, x, y, true);
    MultiLayerNetwork untrained = new MultiLayerNetwork(conf.get().build());
    untrained.init();
    assertFalse(
        Arrays.equals(untrained.params().toFloatVector(), dl4j), "training changed nothing");
    assertArrayEquals(dl4j, onePass, 0f);
  }

  private static float[] train(
      Supplier<NeuralNetConfiguration.ListBuilder> conf, INDArray x, INDArray y, boolean onePass) {
    MultiLayerNetwork net = new MultiLayerNetwork(conf.get().build());
    net.init();
    Nd4j.getRandom().setSeed(9); // dropout masks
    OnePassDenseLayer.Installed installed = null;
    for (int step = 0; step < 30; step++) {
      if (onePass
          && step == 10) { // after the updater and gradient views exist, as in a second epoch
        installed = OnePassDenseLayer.installIn(net);
        assertInstanceOf(OnePassDenseLayer.class, net.getLayer(0));
      }
      if (onePass && step == 20) {
        List<Layer> fast = List.of(net.getLayers());
        installed.close();
        assertEquals(
            org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer.class,
            net.getLayer(0).getClass());
        for (Layer layer : fast) {
          if (layer instanceof OnePassDenseLayer d) {
            assertEquals(
                10, d.onePassSteps, "steps that backpropagated from the kept pre-activation");
          }
        }
      }
      net.fit(new DataSet(x, y));
    }
    return net.params().toFloatVector();
  }
}
