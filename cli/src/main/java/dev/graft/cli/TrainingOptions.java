package dev.graft.cli;

import dev.graft.trainer.Optimizer;
import picocli.CommandLine.Option;

/** Optimizer, batch size and seed, shared by the commands that train. */
final class TrainingOptions {
  @Option(
      names = "--optimizer",
      defaultValue = "sgd",
      description = "sgd, momentum, nesterov or adam (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(
      names = "--lr",
      defaultValue = "1e-3",
      description = "Learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(
      names = "--momentum",
      defaultValue = "0.9",
      description = "For momentum and nesterov (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--batch-size", defaultValue = "32", description = "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seeds the new layers' weights and the shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  Optimizer optimizer() {
    return new Optimizer(
        optimizer,
        lr,
        optimizer.equalsIgnoreCase("sgd") || optimizer.equalsIgnoreCase("adam") ? 0 : momentum);
  }
}
