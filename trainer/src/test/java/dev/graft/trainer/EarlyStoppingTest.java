package dev.graft.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A head trained to convergence, as Keras's EarlyStopping(patience, restore_best_weights=True) does
 * it: training stops once the validation loss has not improved for {@code patience} epochs, and the
 * network left behind scores the best epoch's validation loss, not the last one's.
 */
class EarlyStoppingTest {
  @Test
  void stopsAfterPatienceAndKeepsTheBestEpochsWeights() {
    // a high learning rate on few examples overfits: validation loss turns up
    FineTuneOptions options =
        FineTunerTest.options()
            .optimizer(Optimizer.sgd(0.5))
            .freezeEpochs(300)
            .epochs(0)
            .headPatience(5)
            .build();
    FineTuneResult r =
        FineTuner.fineTune(FineTunerTest.base(), smallTask(), options, TrainingListener.NONE);
    List<EpochStats> history = r.history();
    EpochStats best = history.stream().min(Comparator.comparingDouble(EpochStats::validLoss)).get();
    assertTrue(history.size() < 300, "stopped early: " + history.size() + " epochs");
    assertEquals(best.epoch() + 5, history.size(), "patience counted from the best epoch");
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
