package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.trainer.LrFinder;
import dev.graft.trainer.TrainOptions;
import dev.graft.trainer.TrainingListener;
import dev.graft.trainer.TrainingLoop;
import dev.graft.trainer.data.TaskData;
import dev.graft.trainer.spec.LayerSpec;
import dev.graft.trainer.spec.NetworkSpec;
import dev.graft.trainer.spec.OptimizerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learning-rate finder on real data: its suggestion trains well where the rate that blew the
 * sweep up does not.
 */
@Tag("acceptance") // long training or many runs: the acceptance tier (docs/testing.md)
class LrFinderTest {
  @TempDir Path tmp;

  static NetworkSpec spec(double rate) {
    return NetworkSpec.builder()
        .name("sgd")
        .input(28, 28)
        .layer(LayerSpec.dense(100, "relu").initializer("he_normal").repeat(2))
        .optimizer(OptimizerSpec.of("sgd").learningRate(rate))
        .seed(6)
        .build();
  }

  @Test
  void suggestedRateTrainsAndTheSweepFindsTheBlowUp() {
    TaskData data = TrainingLoopTest.data();
    LrFinder.Result r = LrFinder.find(spec(0.01), data, 16, 1e-4, 10);
    double ratio = r.rates().get(1) / r.rates().get(0);
    assertEquals(
        ratio, r.rates().get(50) / r.rates().get(49), 1e-9, "the rate grows exponentially");
    double last = r.rates().get(r.rates().size() - 1);
    assertTrue(
        r.suggested() > 1e-4 && r.suggested() < last / 10,
        "suggested " + r.suggested() + ", swept up to " + last);
    double lowest = r.losses().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    assertTrue(
        r.losses().get(r.losses().size() - 1) > 2 * lowest,
        "the loss took off at the end of the sweep");
    LrFinder.plot(r, tmp.resolve("lr.png"));
    assertTrue(Files.exists(tmp.resolve("lr.png")));

    TrainOptions twoEpochs = new TrainOptions(2, 16, 0, null, 0, false);
    double good =
        TrainingLoop.train(spec(r.suggested()), data, twoEpochs, TrainingListener.NONE)
            .test()
            .accuracy();
    double blownUp =
        TrainingLoop.train(spec(last), data, twoEpochs, TrainingListener.NONE).test().accuracy();
    System.out.printf(
        "lr-find: suggested %.2e (swept to %.2e); 2 epochs at it: %.4f, at the last rate swept: %.4f%n",
        r.suggested(), last, good, blownUp);
    assertTrue(good > 0.75 && good > blownUp + 0.05, good + " vs " + blownUp);
  }
}
