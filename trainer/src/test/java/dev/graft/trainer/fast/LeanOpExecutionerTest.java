package dev.graft.trainer.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The oracle is ND4J's own CPU executioner: the same networks trained from the same start on the
 * same batches under it and under graft's lean one end with bit-identical weights.
 */
class LeanOpExecutionerTest {
  @Test
  void denseSeluStackTrainsExactlyAsUnderTheStockExecutioner() {
    Supplier<MultiLayerNetwork> net =
        () -> {
          NeuralNetConfiguration.ListBuilder list =
              new NeuralNetConfiguration.Builder()
                  .seed(7)
                  .dataType(DataType.FLOAT)
                  .updater(new Sgd(1e-2))
                  .list();
          int[] units = {300, 100, 50, 50, 50};
          long in = 784;
          for (int i = 0; i < units.length; i++) {
            list.layer(
                i,
                new DenseLayer.Builder()
                    .nIn(in)
                    .nOut(units[i])
                    .activation(Activation.SELU)
                    .build());
            in = units[i];
          }
          list.layer(
              units.length,
              new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                  .nIn(in)
                  .nOut(8)
                  .activation(Activation.SOFTMAX)
                  .build());
          MultiLayerNetwork n = new MultiLayerNetwork(list.build());
          n.init();
          return n;
        };
    assertSameTraining(net, new long[] {32, 784}, 8);
  }

  @Test
  void convBatchNormNetTrainsExactlyAsUnderTheStockExecutioner() {
    Supplier<MultiLayerNetwork> net =
        () -> {
          MultiLayerNetwork n =
              new MultiLayerNetwork(
                  new NeuralNetConfiguration.Builder()
                      .seed(7)
                      .dataType(DataType.FLOAT)
                      .updater(new Adam(1e-3))
                      .list()
                      .layer(
                          new ConvolutionLayer.Builder(3, 3)
                              .nOut(8)
                              .activation(Activation.RELU)
                              .build())
                      .layer(new BatchNormalization.Builder().build())
                      .layer(
                          new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                              .kernelSize(2, 2)
                              .stride(2, 2)
                              .build())
                      .layer(new DenseLayer.Builder().nOut(32).activation(Activation.ELU).build())
                      .layer(
                          new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                              .nOut(4)
                              .activation(Activation.SOFTMAX)
                              .build())
                      .setInputType(InputType.convolutional(12, 12, 1))
                      .build());
          n.init();
          return n;
        };
    assertSameTraining(net, new long[] {16, 1, 12, 12}, 4);
  }

  @Test
  void aContextClosedTwiceAndThenCollectedIsFreedOnce() throws Exception {
    OpContext context = new LeanOpExecutioner().buildContext();
    context.setIArguments(1, 2, 3);
    context.setTArguments(0.5);
    assertEquals(3, context.numIArguments());
    context.close();
    context.close();
    ((ClosingOpContext) context).deallocator().deallocate(); // what the pointer GC would do later
  }

  @Test
  void installIsIdempotent() {
    assertTrue(LeanNd4j.install());
    OpExecutioner first = Nd4j.getExecutioner();
    assertTrue(LeanNd4j.install());
    assertInstanceOf(LeanOpExecutioner.class, Nd4j.getExecutioner());
    assertEquals(first, Nd4j.getExecutioner());
  }

  private static void assertSameTraining(
      Supplier<MultiLayerNetwork> make, long[] batchShape, int classes) {
    INDArray[] xs = new INDArray[20];
    INDArray[] ys = new INDArray[20];
    Nd4j.getRandom().setSeed(11);
    for (int i = 0; i < xs.length; i++) {
      xs[i] = Nd4j.rand(DataType.FLOAT, batchShape);
      ys[i] = Nd4j.zeros(DataType.FLOAT, batchShape[0], classes);
      for (int r = 0; r < batchShape[0]; r++) {
        ys[i].putScalar(r, (r * 7 + i) % classes, 1f);
      }
    }
    float[] stock = train(new NativeOpExecutioner(), make, xs, ys);
    float[] lean = train(new LeanOpExecutioner(), make, xs, ys);
    float[] untrained = make.get().params().toFloatVector();
    assertNotEquals(
        untrained[0], stock[0], "training changed nothing: the comparison would prove nothing");
    assertArrayEquals(stock, lean, 0f);
  }

  private static float[] train(
      OpExecutioner executioner, Supplier<MultiLayerNetwork> make, INDArray[] xs, INDArray[] ys) {
    OpExecutioner before = LeanNd4j.use(executioner);
    try {
      MultiLayerNetwork net = make.get();
      for (int i = 0; i < xs.length; i++) {
        net.fit(new DataSet(xs[i], ys[i]));
      }
      return net.params().toFloatVector();
    } finally {
      LeanNd4j.use(before);
    }
  }
}
