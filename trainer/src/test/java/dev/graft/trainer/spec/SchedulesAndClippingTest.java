package dev.graft.trainer.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.Network;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.schedule.ISchedule;

/** Schedules equal their formulas at chosen steps; the SELU demonstration; clipping bounds hold. */
class SchedulesAndClippingTest {
  @Test
  void schedulesFollowTheirFormulas() {
    double lr0 = 0.01;
    ISchedule power = ScheduleSpec.power(20, 1).schedule(lr0, 10, 100);
    for (int step : new int[] {0, 10, 100, 999}) {
      assertEquals(
          lr0 / Math.pow(1 + step / 20.0, 1),
          power.valueAt(step, step / 100),
          1e-12,
          "power at " + step);
    }
    ISchedule exp = ScheduleSpec.exponential(20).schedule(lr0, 50, 100);
    for (int epoch : new int[] {0, 5, 20, 40}) {
      assertEquals(
          lr0 * Math.pow(0.1, epoch / 20.0),
          exp.valueAt(epoch * 100, epoch),
          1e-12,
          "exponential at " + epoch);
    }
    ISchedule piecewise =
        ScheduleSpec.piecewise(List.of(5, 15), List.of(0.01, 0.005, 0.001)).schedule(lr0, 30, 100);
    double[] expected = {0.01, 0.01, 0.005, 0.005, 0.001, 0.001};
    int[] epochs = {0, 4, 5, 14, 15, 29};
    for (int i = 0; i < epochs.length; i++) {
      assertEquals(
          expected[i],
          piecewise.valueAt(epochs[i] * 100, epochs[i]),
          1e-12,
          "piecewise at epoch " + epochs[i]);
    }
    // The chapter's OneCycleScheduler over 1000 iterations, max 0.05: start 0.005, last_iterations
    // 101,
    // half 449; up to the max at 449, back to the start at 898, down to 0.005 / 1000 at 1000.
    ISchedule oneCycle = ScheduleSpec.oneCycle(0.05).schedule(lr0, 10, 100);
    double start = 0.005;
    for (int it = 0; it < 1000; it++) {
      double expectedRate =
          it < 449
              ? (0.05 - start) * it / 449 + start
              : it < 898
                  ? (start - 0.05) * (it - 449) / 449 + 0.05
                  : (start / 1000 - start) * (it - 898) / (1000 - 898) + start;
      assertEquals(
          expectedRate, oneCycle.valueAt(it, it / 100), 1e-12, "1cycle at iteration " + it);
    }
  }

  /**
   * The chapter's demonstration: 1,000 SELU layers with LeCun init keep activations near mean 0,
   * std 1.
   */
  @Test
  void seluKeepsActivationsNormalizedThrough1000Layers() {
    NetworkSpec spec =
        NetworkSpec.builder()
            .name("selu1000")
            .input(100)
            .layer(
                LayerSpec.dense(100, "selu")
                    .initializer("lecun_normal")
                    .useBias(false)
                    .repeat(1000))
            .selfNormalizing(true)
            .seed(42)
            .build();
    MultiLayerNetwork net = (MultiLayerNetwork) SpecNetworkBuilder.build(spec, 10, 1, 1).model();
    Nd4j.getRandom().setSeed(42);
    INDArray x = Nd4j.randn(DataType.FLOAT, 500, 100);
    List<INDArray> acts = net.feedForward(x, false);
    for (int layer = 100; layer <= 1000; layer += 100) {
      INDArray a = acts.get(layer);
      double mean = a.meanNumber().doubleValue();
      double std = a.stdNumber().doubleValue();
      assertTrue(
          Math.abs(mean) < 0.25 && std > 0.7 && std < 1.3,
          "layer " + layer + ": mean " + mean + ", std " + std);
    }
  }

  @Test
  void clippingBoundsHold() {
    double lr = 1.0;
    for (boolean byValue : new boolean[] {true, false}) {
      NetworkSpec.Builder b =
          NetworkSpec.builder()
              .name("clip")
              .input(20)
              .dense(30, "relu")
              .optimizer(OptimizerSpec.of("sgd").learningRate(lr))
              .seed(3);
      NetworkSpec spec = (byValue ? b.clipValue(0.01) : b.clipNorm(0.1)).build();
      Network network = SpecNetworkBuilder.build(spec, 5, 1, 1);
      MultiLayerNetwork net = network.sequential();
      Nd4j.getRandom().setSeed(1);
      INDArray x = Nd4j.randn(DataType.FLOAT, 16, 20).muli(50); // large inputs, large gradients
      INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 5);
      y.getColumn(2).assign(1);
      INDArray w0 = net.getLayer(0).getParam("W").dup();
      net.fit(new DataSet(x, y));
      INDArray step = w0.sub(net.getLayer(0).getParam("W"));
      if (byValue) {
        assertTrue(
            Transforms.abs(step, true).maxNumber().doubleValue() <= lr * 0.01 + 1e-7, "clip_value");
        assertTrue(
            Transforms.abs(step, true).maxNumber().doubleValue() > lr * 0.005,
            "clipping was needed");
      } else {
        assertTrue(
            step.norm2Number().doubleValue() <= lr * 0.1 + 1e-6,
            "clip_norm: " + step.norm2Number());
        assertTrue(step.norm2Number().doubleValue() > lr * 0.05, "clipping was needed");
      }
    }
  }
}
