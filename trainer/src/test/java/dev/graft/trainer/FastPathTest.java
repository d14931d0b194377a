package dev.graft.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import dev.graft.trainer.fast.FastPath;
import dev.graft.trainer.fast.LeanOpExecutioner;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The switch: fine-tuning gives the same bits with and without the fast path, for stacks and
 * graphs.
 */
class FastPathTest {
  private static final int FEATURES = 12; // FineTunerTest.task()'s examples

  @AfterEach
  void propertyOff() {
    System.clearProperty(FastPath.PROPERTY);
  }

  /**
   * A Functional-style base: two dense branches merged, then a dense layer and a softmax output.
   */
  static Network graphBase() {
    var conf =
        new NeuralNetConfiguration.Builder()
            .seed(5)
            .updater(new Sgd(0.01))
            .graphBuilder()
            .addInputs("in")
            .setInputTypes(InputType.feedForward(FEATURES))
            .addLayer(
                "left", new DenseLayer.Builder().nOut(10).activation(Activation.SELU).build(), "in")
            .addLayer(
                "right", new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build(), "in")
            .addVertex("merge", new MergeVertex(), "left", "right")
            .addLayer(
                "hidden",
                new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build(),
                "merge")
            .addLayer(
                "out",
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nOut(3)
                    .activation(Activation.SOFTMAX)
                    .build(),
                "hidden")
            .setOutputs("out")
            .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    return new Network(
        graph, "graph", null, ModelFormat.DL4J_ZIP, "", new long[] {FEATURES}, "test");
  }

  private static float[] fineTune(Network base, boolean fast) {
    FineTuneOptions options =
        FineTuneOptions.builder()
            .optimizer(Optimizer.sgd(0.05))
            .freezeEpochs(2)
            .epochs(3)
            .seed(11)
            .fastPath(fast)
            .build();
    FineTuneResult r =
        FineTuner.fineTune(base, FineTunerTest.task(), options, TrainingListener.NONE);
    return r.network().model().params().dup().data().asFloat();
  }

  @Test
  void graphFineTuningIsBitIdenticalWithAndWithoutTheFastPath() {
    assertTrue(FastPath.available(), "DL4J " + dev.graft.converter.dl4j.Dl4jInternals.found());
    float[] stock = fineTune(graphBase(), false);
    assertEquals(
        NativeOpExecutioner.class,
        Nd4j.getExecutioner().getClass(),
        "off puts ND4J's stock executioner back");
    float[] fast = fineTune(graphBase(), true);
    assertInstanceOf(LeanOpExecutioner.class, Nd4j.getExecutioner());
    assertArrayEquals(stock, fast);
    assertFalse(
        java.util.Arrays.equals(stock, graphBase().model().params().data().asFloat()),
        "training changed weights");
  }

  @Test
  void stackFineTuningIsBitIdenticalWithAndWithoutTheFastPath() {
    float[] fast = fineTune(FineTunerTest.base(), true);
    float[] stock = fineTune(FineTunerTest.base(), false);
    assertArrayEquals(stock, fast);
  }

  @Test
  void systemPropertyTurnsItOff() {
    System.setProperty(FastPath.PROPERTY, "false");
    assertFalse(FastPath.available());
    assertFalse(FastPath.activate(true));
    assertEquals(NativeOpExecutioner.class, Nd4j.getExecutioner().getClass());
    System.clearProperty(FastPath.PROPERTY);
    assertTrue(FastPath.activate(true));
  }
}
