package dev.graft.cli;

import dev.graft.trainer.FineTuneOptions;
import dev.graft.trainer.Optimizer;
import java.util.stream.Stream;
import picocli.CommandLine.ParseResult;

/**
 * finetune's defaults where the chapter's recipe (4 frozen epochs, 16 unfrozen, SGD 1e-3) does not
 * fit: a head trained on cached activations (an ONNX base, or --cut) is cheap per epoch, and a head
 * on the user's own data has no chapter to follow. There, unless the user chose epochs or a
 * learning rate, the head trains to convergence: Adam at 1e-3 (Keras's default optimizer), at most
 * {@value #MAX_EPOCHS} epochs, stopping after {@value #PATIENCE} without a better validation loss
 * and keeping the best epoch's weights, with no unfrozen phase. The chapter's --task runs on Keras
 * and DL4J bases keep the chapter's recipe.
 */
final class HeadDefaults {
  static final int MAX_EPOCHS = 200;
  static final int PATIENCE = 10;

  private HeadDefaults() {}

  /** The options to train with, and what was chosen for the user (null: nothing). */
  record Chosen(FineTuneOptions options, String note) {
    /** Whether the head trains to convergence (the defaults above were applied). */
    boolean converges() {
      return note != null;
    }
  }

  static Chosen apply(FineTuneOptions given, boolean cachedHead, boolean ownData, ParseResult p) {
    if (!(cachedHead || ownData) || chose(p, "--freeze-epochs", "--epochs")) {
      return new Chosen(given, null);
    }
    FineTuneOptions.Builder b =
        given.toBuilder().freezeEpochs(MAX_EPOCHS).epochs(0).headPatience(PATIENCE);
    String optimizer = given.freezeOptimizer().toString();
    if (!chose(p, "--optimizer", "--lr", "--freeze-lr")) {
      Optimizer adam = new Optimizer("adam", 1e-3, 0);
      b.freezeOptimizer(adam).optimizer(adam);
      optimizer = adam.toString();
    }
    return new Chosen(
        b.build(),
        "the new head trains to convergence ("
            + optimizer
            + ", at most "
            + MAX_EPOCHS
            + " epochs, stopping after "
            + PATIENCE
            + " without a better validation loss, best weights kept; no unfrozen phase):"
            + " give --freeze-epochs/--epochs to choose");
  }

  private static boolean chose(ParseResult p, String... options) {
    return Stream.of(options).anyMatch(p::hasMatchedOption);
  }
}
