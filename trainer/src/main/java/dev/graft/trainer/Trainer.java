package dev.graft.trainer;

import dev.graft.converter.Network;
import dev.graft.trainer.data.TaskData;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.factory.Nd4j;

/** Trains every layer of a network on a task (no freezing): models from scratch. */
public final class Trainer {
  private Trainer() {}

  /** Trains in place; returns the per-epoch history. */
  public static List<EpochStats> train(
      Network network,
      TaskData data,
      int epochs,
      int batchSize,
      long seed,
      TrainingListener listener) {
    Nd4j.getRandom().setSeed(seed);
    return Fitter.fit(
        network,
        network.sequential(),
        data.train(),
        data.valid(),
        "train",
        epochs,
        batchSize,
        new Random(seed),
        listener,
        true);
  }
}
