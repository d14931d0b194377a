package dev.graft.trainer;

import dev.graft.GraftException;
import java.util.Locale;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/** An optimizer by its Keras name, with Keras's defaults (Adam: beta 0.9/0.999, epsilon 1e-7). */
public record Optimizer(String name, double learningRate, double momentum) {
  public static final String NAMES = "sgd, momentum, nesterov, adam";

  public Optimizer {
    name = name.toLowerCase(Locale.ROOT);
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw GraftException.usage("learning rate must be a positive number, not " + learningRate);
    }
    if (momentum < 0 || momentum >= 1) {
      throw GraftException.usage("momentum must be in [0, 1), not " + momentum);
    }
    if (!NAMES.contains(name) || name.contains(",") || name.isBlank()) {
      throw GraftException.usage("unknown optimizer '" + name + "'; known: " + NAMES);
    }
  }

  public static Optimizer sgd(double learningRate) {
    return new Optimizer("sgd", learningRate, 0);
  }

  public Optimizer withLearningRate(double rate) {
    return new Optimizer(name, rate, momentum);
  }

  public IUpdater updater() {
    return switch (name) {
      case "sgd" -> new Sgd(learningRate);
      case "momentum" -> new Momentum(learningRate, momentum == 0 ? 0.9 : momentum);
      case "nesterov" -> new Nesterovs(learningRate, momentum == 0 ? 0.9 : momentum);
      case "adam" -> new Adam(learningRate, 0.9, 0.999, 1e-7);
      default -> throw new IllegalStateException(name);
    };
  }

  @Override
  public String toString() {
    return name
        + "(lr="
        + learningRate
        + (name.equals("sgd") || name.equals("adam") ? "" : ", momentum=" + momentum)
        + ")";
  }
}
