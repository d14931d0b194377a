package dev.graft.trainer;

/**
 * Fine-tuning's defaults where the chapter's recipe (4 frozen epochs, 16 unfrozen, SGD 1e-3) does
 * not fit: a head trained on cached activations (an ONNX trunk, or a cut) is cheap per epoch, and a
 * head on the user's own data has no chapter to follow. There, unless epochs were chosen, the head
 * trains to convergence: at most {@value #MAX_EPOCHS} epochs, stopping after {@value #PATIENCE}
 * without a better validation loss and keeping the best epoch's weights, with no unfrozen phase;
 * with Adam at 1e-3 (Keras's default optimizer) unless an optimizer was chosen. The chapter's
 * Fashion-MNIST tasks on Keras and DL4J bases keep the chapter's recipe.
 */
final class HeadDefaults {
  static final int MAX_EPOCHS = 200;
  static final int MIN_STEPS = 4_000;
  static final int PATIENCE = 10;

  private HeadDefaults() {}

  /** The options to train with, and what was chosen for the caller (null: nothing). */
  record Chosen(FineTuneOptions options, String note) {
    /** Whether the head trains to convergence (the defaults above were applied). */
    boolean converges() {
      return note != null;
    }
  }

  /** {@code trainExamples}: the training set's size, which sets the epochs a step budget takes. */
  static Chosen apply(
      FineTuneOptions given, boolean cachedHead, boolean ownData, int trainExamples) {
    if (!(cachedHead || ownData) || given.epochsChosen()) {
      return new Chosen(given, null);
    }
    int stepsPerEpoch = Math.max(1, (trainExamples + given.batchSize() - 1) / given.batchSize());
    int epochs = Math.max(MAX_EPOCHS, (MIN_STEPS + stepsPerEpoch - 1) / stepsPerEpoch);
    FineTuneOptions.Builder b =
        given.toBuilder().freezeEpochs(epochs).epochs(0).headPatience(PATIENCE);
    String optimizer = given.freezeOptimizer().toString();
    if (!given.optimizerChosen()) {
      Optimizer adam = new Optimizer("adam", 1e-3, 0);
      b.freezeOptimizer(adam).optimizer(adam);
      optimizer = adam.toString();
    }
    return new Chosen(
        b.build(),
        "the new head trains to convergence ("
            + optimizer
            + ", at most "
            + epochs
            + " epochs, stopping after "
            + PATIENCE
            + " without a better validation loss, best weights kept; no unfrozen phase):"
            + " choose the epochs (--freeze-epochs/--epochs, or FineTuneOptions) to train otherwise");
  }
}
