package dev.graft.trainer.spec;

import dev.graft.GraftException;
import java.util.List;

/**
 * Refuses a network spec that makes no sense, naming the field: {@code spec.layers[2].activation:
 * ...}.
 */
final class SpecCheck {
  static final List<String> ACTIVATIONS =
      List.of(
          "relu",
          "leaky_relu",
          "prelu",
          "rrelu",
          "elu",
          "selu",
          "sigmoid",
          "tanh",
          "softmax",
          "linear");
  static final List<String> INITIALIZERS =
      List.of(
          "glorot_uniform",
          "glorot_normal",
          "he_uniform",
          "he_normal",
          "lecun_uniform",
          "lecun_normal");
  static final List<String> BATCH_NORM = List.of("none", "before", "after");

  private SpecCheck() {}

  static void check(NetworkSpec spec, String where) {
    if (spec.input() == null || spec.input().length == 0) {
      throw bad(where + ".input", "is missing (the shape of one example, e.g. [28, 28])");
    }
    for (long d : spec.input()) {
      if (d < 1) {
        throw bad(where + ".input", "has a dimension of " + d);
      }
    }
    rate(spec.inputDropout(), where + ".input_dropout", true);
    if (spec.selfNormalizing() && spec.inputBatchNorm()) {
      throw bad(
          where + ".input_batch_norm",
          "breaks self-normalization (standardize the inputs instead)");
    }
    if (spec.selfNormalizing() && spec.inputDropout() > 0) {
      throw bad(
          where + ".input_dropout", "breaks self-normalization; use alpha_dropout on the layers");
    }
    if (spec.layers().isEmpty()) {
      throw bad(where + ".layers", "is empty: a network needs at least one hidden layer");
    }
    for (int i = 0; i < spec.layers().size(); i++) {
      layer(spec.layers().get(i), where + ".layers[" + i + "]", spec.selfNormalizing());
    }
    if (spec.output() != null) {
      layer(spec.output(), where + ".output", false);
    }
    optimizer(spec.optimizer(), where + ".optimizer");
    if (spec.schedule() != null) {
      schedule(spec.schedule(), spec.optimizer(), where + ".schedule");
    }
    positiveOrNull(spec.clipValue(), where + ".clip_value");
    positiveOrNull(spec.clipNorm(), where + ".clip_norm");
    if (spec.clipValue() != null && spec.clipNorm() != null) {
      throw bad(where + ".clip_norm", "and clip_value are both set: choose one");
    }
    rate(spec.l1(), where + ".l1", false);
    rate(spec.l2(), where + ".l2", false);
  }

  private static void layer(LayerSpec l, String where, boolean selfNormalizing) {
    if (l.units() < 1) {
      throw bad(where + ".units", "must be at least 1, not " + l.units());
    }
    oneOf(l.activation(), ACTIVATIONS, where + ".activation");
    oneOf(l.initializer(), INITIALIZERS, where + ".initializer");
    oneOf(l.batchNorm(), BATCH_NORM, where + ".batch_norm");
    rate(l.dropout(), where + ".dropout", true);
    rate(l.alphaDropout(), where + ".alpha_dropout", true);
    if (l.dropout() > 0 && l.alphaDropout() > 0) {
      throw bad(where + ".alpha_dropout", "and dropout are both set: choose one");
    }
    positiveOrNull(l.maxNorm(), where + ".max_norm");
    if (l.l1() != null) {
      rate(l.l1(), where + ".l1", false);
    }
    if (l.l2() != null) {
      rate(l.l2(), where + ".l2", false);
    }
    if (l.alpha() != null && !(l.alpha() >= 0)
        || l.alpha() != null && !List.of("leaky_relu", "elu").contains(l.activation())) {
      throw bad(where + ".alpha", l.alpha() + " (a slope for leaky_relu or elu, at least 0)");
    }
    if (l.repeat() < 1) {
      throw bad(where + ".repeat", "must be at least 1, not " + l.repeat());
    }
    if (selfNormalizing) {
      if (!l.activation().equals("selu")) {
        throw bad(
            where + ".activation",
            l.activation() + " in a self-normalizing network (it needs selu)");
      }
      if (!l.batchNorm().equals("none")) {
        throw bad(
            where + ".batch_norm",
            l.batchNorm()
                + ": batch normalization breaks self-normalization (SELU keeps "
                + "activations normalized by itself); drop it or set self_normalizing to false");
      }
      if (!l.initializer().equals("lecun_normal")) {
        throw bad(
            where + ".initializer",
            l.initializer() + " in a self-normalizing network (it needs lecun_normal)");
      }
      if (l.dropout() > 0) {
        throw bad(where + ".dropout", "breaks self-normalization; use alpha_dropout");
      }
    }
  }

  private static void optimizer(OptimizerSpec o, String where) {
    if (o == null) {
      throw bad(where, "is missing");
    }
    oneOf(o.name(), OptimizerSpec.NAMES, where + ".name");
    if (o.learningRate() != null && !(o.learningRate() > 0 && Double.isFinite(o.learningRate()))) {
      throw bad(where + ".learning_rate", "must be a positive number, not " + o.learningRate());
    }
    if (o.name().equals("adadelta") && o.learningRate() != null && o.learningRate() != 1.0) {
      throw bad(
          where + ".learning_rate",
          "of adadelta: DL4J's AdaDelta is the original algorithm, without a learning "
              + "rate (Keras's learning_rate scales its step); leave it out");
    }
    if (o.momentum() != null && !(o.momentum() >= 0 && o.momentum() < 1)) {
      throw bad(where + ".momentum", "must be in [0, 1), not " + o.momentum());
    }
    if (o.momentum() != null && !List.of("sgd", "momentum", "nesterov").contains(o.name())) {
      throw bad(where + ".momentum", "does not apply to " + o.name());
    }
    for (Double v : new Double[] {o.beta1(), o.beta2(), o.rho()}) {
      if (v != null && !(v > 0 && v < 1)) {
        throw bad(where, "beta_1, beta_2 and rho must be in (0, 1), not " + v);
      }
    }
    positiveOrNull(o.epsilon(), where + ".epsilon");
  }

  private static void schedule(ScheduleSpec s, OptimizerSpec o, String where) {
    oneOf(s.name(), ScheduleSpec.NAMES, where + ".name");
    if (List.of("momentum", "adadelta").contains(o.name()) && !s.name().equals("performance")) {
      throw bad(
          where,
          s.name()
              + " with the "
              + o.name()
              + " optimizer is not supported (only performance scheduling)");
    }
    switch (s.name()) {
      case "power" -> {
        positive(s.s(), where + ".s");
        positive(s.c(), where + ".c");
      }
      case "exponential" -> positive(s.s(), where + ".s");
      case "piecewise" -> {
        if (s.values().size() != s.boundaries().size() + 1 || s.values().isEmpty()) {
          throw bad(
              where + ".values",
              "needs one more value than boundaries (" + s.boundaries().size() + ")");
        }
        s.values().forEach(v -> positive(v, where + ".values"));
        for (int i = 0; i < s.boundaries().size(); i++) {
          if (s.boundaries().get(i) < 1
              || i > 0 && s.boundaries().get(i) <= s.boundaries().get(i - 1)) {
            throw bad(where + ".boundaries", "must be increasing epochs from 1: " + s.boundaries());
          }
        }
      }
      case "performance" -> {
        if (!(s.factor() > 0 && s.factor() < 1)) {
          throw bad(where + ".factor", "must be in (0, 1), not " + s.factor());
        }
        if (s.patience() < 1) {
          throw bad(where + ".patience", "must be at least 1, not " + s.patience());
        }
      }
      default -> positive(s.maxRate(), where + ".max_rate");
    }
  }

  private static void oneOf(String value, List<String> known, String where) {
    if (value == null || !known.contains(value)) {
      throw bad(where, "unknown '" + value + "' (known: " + String.join(", ", known) + ")");
    }
  }

  private static void rate(double v, String where, boolean belowOne) {
    if (!(v >= 0) || belowOne && v >= 1 || Double.isInfinite(v)) {
      throw bad(where, "must be " + (belowOne ? "in [0, 1)" : "at least 0") + ", not " + v);
    }
  }

  private static void positive(double v, String where) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw bad(where, "must be a positive number, not " + v);
    }
  }

  private static void positiveOrNull(Double v, String where) {
    if (v != null) {
      positive(v, where);
    }
  }

  static GraftException bad(String field, String problem) {
    return GraftException.usage(field + ": " + problem);
  }
}
