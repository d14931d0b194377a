package dev.graft.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A head trained to convergence, as Keras's EarlyStopping(patience, min_delta,
 * restore_best_weights=True) does it: training stops once the validation loss has not improved by
 * more than min_delta for {@code patience} epochs, and the network left behind scores the best
 * epoch's validation loss, not the last one's.
 */
class EarlyStoppingTest {
  @Test
  void stopsAfterPatienceAndKeepsTheBestEpochsWeights() {
    // a high learning rate on few examples overfits: validation loss turns up
    FineTuneOptions options =
        FineTunerTest.options()
            .optimizer(Optimizer.sgd(1.0))
            .freezeEpochs(300)
            .epochs(0)
            .headPatience(5)
            .build();
    FineTuneResult r =
        FineTuner.fineTune(FineTunerTest.base(), smallTask(), options, TrainingListener.NONE);
    List<EpochStats> history = r.history();
    EpochStats best = history.stream().min(Comparator.comparingDouble(EpochStats::validLoss)).get();
    assertTrue(history.size() < 300, "stopped early: " + history.size() + " epochs");
    // Keras's rule, replayed on the recorded losses: an epoch improves when its loss is more than
    // min_delta below the last improvement's; training stops patience epochs after the last one
    double counted = Double.POSITIVE_INFINITY;
    int lastImprovement = 0;
    for (EpochStats e : history) {
      if (e.validLoss() < counted - Fitter.MIN_DELTA) {
        counted = e.validLoss();
        lastImprovement = e.epoch();
      }
    }
    assertEquals(lastImprovement + 5, history.size(), "patience counted from the last improvement");
    double restored = Evaluator.evaluate(r.network(), smallTask().valid()).loss();
    assertEquals(best.validLoss(), restored, 1e-6, "the best epoch's weights are kept");
    assertTrue(
        history.get(history.size() - 1).validLoss() > best.validLoss(),
        "the last epoch was worse than the best");
  }

  private static dev.graft.trainer.data.TaskData smallTask() {
    return new dev.graft.trainer.data.TaskData(
        new dev.graft.trainer.data.Task("synthetic", List.of(5, 6), 6, 0),
        FineTunerTest.examples(24, 1),
        FineTunerTest.examples(64, 2),
        FineTunerTest.examples(64, 3));
  }
}
