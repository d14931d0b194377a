package dev.graft.trainer;

/** Hears about training as it happens: the CLI draws a progress bar from it. */
public interface TrainingListener {
  TrainingListener NONE = new TrainingListener() {};

  /** Something chosen for the caller before training starts (defaults that were applied). */
  default void note(String text) {}

  default void phaseStarted(String phase, int epochs, int batchesPerEpoch) {}

  default void batchDone() {}

  default void epochDone(EpochStats stats) {}

  default void phaseDone(String phase) {}

  /** The frozen trunk has produced activations for {@code done} of {@code total} examples. */
  default void featuresComputed(String what, long done, long total) {}
}
