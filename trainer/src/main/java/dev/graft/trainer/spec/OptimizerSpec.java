package dev.graft.trainer.spec;

import dev.graft.trainer.KerasUpdater;
import dev.graft.trainer.Momentum;
import java.util.List;
import org.nd4j.linalg.learning.config.AdaDelta;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * An optimizer by its Keras name; a null field takes Keras's default (learning rate 0.01 for the
 * SGD family, 0.001 for the others; momentum 0.9 for momentum and nesterov; beta_1 0.9, beta_2
 * 0.999, epsilon 1e-7; rho 0.9 for RMSProp, 0.95 for AdaDelta).
 */
public record OptimizerSpec(
    String name,
    Double learningRate,
    Double momentum,
    Double beta1,
    Double beta2,
    Double epsilon,
    Double rho) {
  public static final List<String> NAMES =
      List.of(
          "sgd",
          "momentum",
          "nesterov",
          "adagrad",
          "rmsprop",
          "adam",
          "adamax",
          "nadam",
          "adadelta");

  public static OptimizerSpec of(String name) {
    return new OptimizerSpec(name, null, null, null, null, null, null);
  }

  public OptimizerSpec learningRate(double rate) {
    return new OptimizerSpec(name, rate, momentum, beta1, beta2, epsilon, rho);
  }

  public OptimizerSpec momentum(double m) {
    return new OptimizerSpec(name, learningRate, m, beta1, beta2, epsilon, rho);
  }

  public double rate() {
    if (learningRate != null) {
      return learningRate;
    }
    return switch (name) {
      case "sgd", "momentum", "nesterov" -> 0.01;
      case "adadelta" -> 1.0;
      default -> 0.001;
    };
  }

  private double eps() {
    return epsilon != null ? epsilon : 1e-7;
  }

  /**
   * DL4J's updater; with {@code schedule} the learning rate follows it instead of {@link #rate()}.
   */
  IUpdater updater(ISchedule schedule) {
    double lr = rate();
    double b1 = beta1 != null ? beta1 : 0.9;
    double b2 = beta2 != null ? beta2 : 0.999;
    IUpdater u =
        switch (name) {
          case "sgd" -> new Sgd(lr);
          case "momentum" -> new Momentum(lr, momentum != null ? momentum : 0.9);
          case "nesterov" -> new Nesterovs(lr, momentum != null ? momentum : 0.9);
          case "adagrad" -> new KerasUpdater("adagrad", lr, b1, b2, eps());
          case "rmsprop" -> new KerasUpdater("rmsprop", lr, b1, rho != null ? rho : 0.9, eps());
          case "adam" -> new Adam(lr, b1, b2, eps());
          case "adamax" -> new KerasUpdater("adamax", lr, b1, b2, eps());
          case "nadam" -> new KerasUpdater("nadam", lr, b1, b2, eps());
          case "adadelta" -> new AdaDelta(rho != null ? rho : 0.95, eps());
          default -> throw new IllegalStateException(name);
        };
    if (schedule != null) {
      u.setLrAndSchedule(lr, schedule);
    }
    return u;
  }
}
