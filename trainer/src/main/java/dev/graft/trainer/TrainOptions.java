package dev.graft.trainer;

import java.nio.file.Path;

/**
 * How {@link TrainingLoop} trains.
 *
 * @param patience early stopping: stop after this many epochs without a better validation loss and
 *     restore the best weights (0: train every epoch, keep the last weights)
 * @param checkpointEvery write a checkpoint every this many epochs (0: only at each new best); only
 *     with a {@code checkpointDir}
 * @param resume continue from the newest checkpoint in {@code checkpointDir}, if there is one
 */
public record TrainOptions(
    int epochs,
    int batchSize,
    int patience,
    Path checkpointDir,
    int checkpointEvery,
    boolean resume) {
  public TrainOptions {
    if (epochs < 1) {
      throw dev.graft.GraftException.parameter("epochs", "must be at least 1, not " + epochs);
    }
    if (batchSize < 1) {
      throw dev.graft.GraftException.parameter("batchSize", "must be at least 1, not " + batchSize);
    }
    if (patience < 0) {
      throw dev.graft.GraftException.parameter("patience", "cannot be negative, not " + patience);
    }
    if (checkpointEvery < 0) {
      throw dev.graft.GraftException.parameter(
          "checkpointEvery", "cannot be negative, not " + checkpointEvery);
    }
    if (resume && checkpointDir == null) {
      throw dev.graft.GraftException.parameter(
          "resume", "needs the folder where the checkpoints are (checkpointDir)");
    }
  }
}
