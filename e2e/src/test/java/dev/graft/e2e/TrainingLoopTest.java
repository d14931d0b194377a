package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.Network;
import dev.graft.converter.dl4j.Dl4jZip;
import dev.graft.trainer.EpochStats;
import dev.graft.trainer.Evaluator;
import dev.graft.trainer.TrainOptions;
import dev.graft.trainer.TrainingListener;
import dev.graft.trainer.TrainingLoop;
import dev.graft.trainer.data.FashionMnist;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import dev.graft.trainer.spec.LayerSpec;
import dev.graft.trainer.spec.NetworkSpec;
import dev.graft.trainer.spec.OptimizerSpec;
import dev.graft.trainer.spec.ScheduleSpec;
import dev.graft.trainer.spec.SpecJson;
import dev.graft.trainer.spec.SpecNetworkBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * graft train's loop on real data: resume after a kill, early stopping, and Keras's meaning of l2
 * and max_norm.
 */
@Tag("acceptance") // long training or many runs: the acceptance tier (docs/testing.md)
class TrainingLoopTest {
  @TempDir Path tmp;

  /** A small network with dropout (random at every step) and an exponential schedule. */
  static NetworkSpec spec() {
    return NetworkSpec.builder()
        .name("small")
        .input(28, 28)
        .layer(LayerSpec.dense(64, "elu").initializer("he_normal").dropout(0.2))
        .layer(LayerSpec.dense(32, "leaky_relu").alpha(0.2))
        .optimizer(OptimizerSpec.of("nadam"))
        .schedule(ScheduleSpec.exponential(10))
        .seed(5)
        .build();
  }

  static TaskData data() {
    ChapterReuseTest.requireData();
    return TaskData.of(
        FashionMnist.load(null), Task.exclude("exclude-5-6", java.util.List.of(5, 6), 2000));
  }

  @Test
  void resumedRunEndsWithTheWeightsOfAnUninterruptedOne() {
    TaskData data = data();
    var whole =
        TrainingLoop.train(
            spec(),
            data,
            new TrainOptions(6, 32, 0, tmp.resolve("a"), 1, false),
            TrainingListener.NONE);
    TrainingLoop.train(
        spec(),
        data,
        new TrainOptions(3, 32, 0, tmp.resolve("b"), 1, false),
        TrainingListener.NONE);
    var resumed =
        TrainingLoop.train(
            spec(),
            data,
            new TrainOptions(6, 32, 0, tmp.resolve("b"), 1, true),
            TrainingListener.NONE);
    assertEquals(3, resumed.resumedAfter());
    assertEquals(6, resumed.history().size());
    assertArrayEquals(params(whole.network()), params(resumed.network()), "resumed weights differ");
    assertEquals(whole.history().get(5).validLoss(), resumed.history().get(5).validLoss(), 0.0);
  }

  /** The real thing: graft train killed with SIGKILL once a checkpoint exists, then --resume. */
  @Test
  void trainKilledThenResumedEndsAsAnUninterruptedRun() throws Exception {
    data();
    Path spec = tmp.resolve("spec.json");
    Files.writeString(spec, SpecJson.write(spec()));
    String[] common = {
      "train", spec.toString(), "--exclude", "5,6", "--train-limit", "2000", "--epochs", "6"
    };
    Path whole = tmp.resolve("whole.zip");
    run(GraftJvm.graft(concat(common, "--out", whole.toString())));
    Path ck = tmp.resolve("ck");
    Path resumed = tmp.resolve("resumed.zip");
    Process p =
        GraftJvm.graft(
                concat(
                    common,
                    "--out",
                    resumed.toString(),
                    "--checkpoint-dir",
                    ck.toString(),
                    "--checkpoint-every",
                    "1"))
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("killed.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(ck.resolve("epoch-0002.json"))
        && p.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    p.destroyForcibly().waitFor();
    assertTrue(Files.notExists(resumed), "killed before the end");
    String out =
        run(
            GraftJvm.graft(
                concat(
                    common,
                    "--out",
                    resumed.toString(),
                    "--checkpoint-dir",
                    ck.toString(),
                    "--resume",
                    "--json")));
    int after =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(out.substring(out.indexOf('{')))
            .get("resumed_after_epoch")
            .asInt();
    assertTrue(after >= 2 && after < 6, "resumed after epoch " + after);
    assertArrayEquals(
        params(Dl4jZip.read(whole)), params(Dl4jZip.read(resumed)), "resumed weights differ");
  }

  @Test
  void earlyStoppingRestoresTheBestWeights() {
    TaskData data = data();
    NetworkSpec eager =
        NetworkSpec.builder()
            .name("eager")
            .input(784)
            .dense(128, "relu")
            .optimizer(OptimizerSpec.of("adam").learningRate(0.01))
            .seed(3)
            .build();
    var r =
        TrainingLoop.train(
            eager, data, new TrainOptions(40, 32, 2, null, 0, false), TrainingListener.NONE);
    assertTrue(r.stoppedEarly(), "stopped after " + r.history().size() + " epochs");
    double best = r.history().stream().mapToDouble(EpochStats::validLoss).min().orElseThrow();
    assertEquals(r.history().get(r.bestEpoch() - 1).validLoss(), best, 0.0);
    assertEquals(r.bestEpoch() + 2, r.history().size(), "patience 2: two epochs after the best");
    assertEquals(
        best,
        Evaluator.evaluate(r.network(), data.valid()).loss(),
        1e-6,
        "the network holds the best epoch's weights");
  }

  /**
   * --resume of a run that already ended (early stopping, or all its epochs) trains no further
   * epoch.
   */
  @Test
  void resumingAFinishedRunTrainsNothingMore() {
    TaskData data = data();
    NetworkSpec eager =
        NetworkSpec.builder()
            .name("eager")
            .input(784)
            .dense(128, "relu")
            .optimizer(OptimizerSpec.of("adam").learningRate(0.01))
            .seed(3)
            .build();
    var first =
        TrainingLoop.train(
            eager,
            data,
            new TrainOptions(40, 32, 2, tmp.resolve("ck"), 0, false),
            TrainingListener.NONE);
    assertTrue(first.stoppedEarly());
    var again =
        TrainingLoop.train(
            eager,
            data,
            new TrainOptions(40, 32, 2, tmp.resolve("ck"), 0, true),
            TrainingListener.NONE);
    assertTrue(again.stoppedEarly());
    assertEquals(first.history().size(), again.history().size(), "no epoch after the early stop");
    assertArrayEquals(params(first.network()), params(again.network()));
    var whole =
        TrainingLoop.train(
            spec(),
            data,
            new TrainOptions(2, 32, 0, tmp.resolve("w"), 0, false),
            TrainingListener.NONE);
    var resumed =
        TrainingLoop.train(
            spec(),
            data,
            new TrainOptions(2, 32, 0, tmp.resolve("w"), 0, true),
            TrainingListener.NONE);
    assertEquals(2, resumed.history().size(), "no third epoch");
    assertArrayEquals(params(whole.network()), params(resumed.network()));
  }

  /**
   * Performance scheduling (ReduceLROnPlateau): the rate halves after each epoch without a better
   * validation loss.
   */
  @Test
  void performanceScheduleHalvesTheRateOnPlateaus() {
    TaskData data = data();
    NetworkSpec spec =
        NetworkSpec.builder()
            .name("plateau")
            .input(784)
            .dense(64, "relu")
            .optimizer(OptimizerSpec.of("sgd").learningRate(0.3))
            .schedule(ScheduleSpec.performance(0.5, 1))
            .seed(8)
            .build();
    var r =
        TrainingLoop.train(
            spec, data, new TrainOptions(10, 32, 0, null, 0, false), TrainingListener.NONE);
    double best = Double.MAX_VALUE;
    double lr = 0.3;
    int reductions = 0;
    for (int e = 0; e < r.history().size(); e++) {
      assertEquals(lr, r.learningRates().get(e), 1e-12, "learning rate in epoch " + (e + 1));
      double v = r.history().get(e).validLoss();
      if (v < best) {
        best = v;
      } else {
        lr *= 0.5;
        reductions++;
      }
    }
    assertTrue(reductions > 0, "the validation loss plateaued at least once: " + r.history());
    assertEquals(
        lr,
        ((MultiLayerNetwork) r.network().model()).getLearningRate(0),
        1e-12,
        "the network uses the reduced rate");
  }

  /** Keras's l2(c) adds c * sum(w^2) to the loss: one SGD step moves w by an extra -lr * 2c * w. */
  @Test
  void l2IsKerasL2() {
    double lr = 0.1;
    double c = 0.05;
    MultiLayerNetwork plain = oneLayer(0);
    MultiLayerNetwork penalized = oneLayer(c);
    INDArray w0 = plain.getLayer(0).getParam("W").dup();
    assertEquals(w0, penalized.getLayer(0).getParam("W"), "same initial weights");
    Nd4j.getRandom().setSeed(1);
    INDArray x = Nd4j.rand(DataType.FLOAT, 8, 4);
    INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 2);
    y.getColumn(0).assign(1);
    plain.fit(new DataSet(x, y));
    penalized.fit(new DataSet(x, y));
    INDArray extra = plain.getLayer(0).getParam("W").sub(penalized.getLayer(0).getParam("W"));
    INDArray expected = w0.mul(lr * 2 * c);
    assertTrue(extra.equalsWithEps(expected, 1e-6), "extra step " + extra + " vs " + expected);
  }

  /** Keras's max_norm bounds each unit's incoming weights (a column of the [in, out] kernel). */
  @Test
  void maxNormBoundsEachUnitsIncomingWeights() {
    TaskData data = data();
    NetworkSpec spec =
        NetworkSpec.builder()
            .name("mn")
            .input(784)
            .layer(LayerSpec.dense(50, "relu").maxNorm(0.5))
            .optimizer(OptimizerSpec.of("adam").learningRate(0.01))
            .seed(2)
            .build();
    var r =
        TrainingLoop.train(
            spec, data, new TrainOptions(2, 32, 0, null, 0, false), TrainingListener.NONE);
    INDArray w = ((MultiLayerNetwork) r.network().model()).getLayer(0).getParam("W");
    INDArray norms = w.norm2(0);
    assertEquals(50, norms.length());
    assertTrue(norms.maxNumber().doubleValue() <= 0.5 + 1e-5, "column norms " + norms);
    assertTrue(norms.maxNumber().doubleValue() > 0.4, "the constraint binds: " + norms);
  }

  private static MultiLayerNetwork oneLayer(double l2) {
    NetworkSpec s =
        NetworkSpec.builder()
            .name("one")
            .input(4)
            .layer(LayerSpec.dense(3, "linear").l2(l2))
            .output(2, "softmax")
            .optimizer(OptimizerSpec.of("sgd").learningRate(0.1))
            .seed(9)
            .build();
    return (MultiLayerNetwork) SpecNetworkBuilder.build(s, 2, 1, 1).model();
  }

  private static float[] params(Network n) {
    return ((MultiLayerNetwork) n.model()).params().dup().data().asFloat();
  }

  private static String run(ProcessBuilder pb) throws Exception {
    Process p =
        pb.redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
