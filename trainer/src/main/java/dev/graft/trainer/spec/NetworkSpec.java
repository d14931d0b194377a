package dev.graft.trainer.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * A network to train from scratch, in Keras's terms: a stack of Dense layers on the flattened
 * input, an output layer (or one chosen for the task), the optimizer, a learning-rate schedule,
 * gradient clipping and default regularization. The same model behind the JSON file ({@link
 * SpecJson}) and the fluent {@link Builder}; {@link SpecCheck} refuses one that makes no sense,
 * naming the field.
 *
 * @param inputDropout rate of Dropout on the input, as the book's Dropout before the first Dense
 *     (0: none)
 * @param inputBatchNorm batch normalization of the input, as the book's BatchNormalization first
 * @param output null: Dense(1, sigmoid) for binary tasks, Dense(n, softmax) otherwise
 * @param schedule null: a constant learning rate
 * @param clipValue clip each gradient element to [-v, v] (Keras's clipvalue), or null
 * @param clipNorm clip each parameter's gradient to this L2 norm (Keras's clipnorm), or null
 * @param selfNormalizing the user asks for a self-normalizing network: SELU layers, LeCun normal
 *     initialization, no batch normalization, alpha dropout only; checked
 */
public record NetworkSpec(
    String name,
    long[] input,
    double inputDropout,
    boolean inputBatchNorm,
    List<LayerSpec> layers,
    LayerSpec output,
    OptimizerSpec optimizer,
    ScheduleSpec schedule,
    Double clipValue,
    Double clipNorm,
    double l1,
    double l2,
    boolean selfNormalizing,
    long seed) {

  public static Builder builder() {
    return new Builder();
  }

  /** The number of values in one example. */
  public long inputSize() {
    long n = 1;
    for (long d : input) {
      n *= d;
    }
    return n;
  }

  /** The fluent form: {@code NetworkSpec.builder().input(28, 28).dense(300, "selu")...build()}. */
  public static final class Builder {
    private String name = "network";
    private long[] input = {784};
    private double inputDropout;
    private boolean inputBatchNorm;
    private final List<LayerSpec> layers = new ArrayList<>();
    private LayerSpec output;
    private OptimizerSpec optimizer = OptimizerSpec.of("sgd");
    private ScheduleSpec schedule;
    private Double clipValue;
    private Double clipNorm;
    private double l1;
    private double l2;
    private boolean selfNormalizing;
    private long seed = 42;

    public Builder name(String value) {
      name = value;
      return this;
    }

    public Builder input(long... shape) {
      input = shape.clone();
      return this;
    }

    public Builder inputDropout(double rate) {
      inputDropout = rate;
      return this;
    }

    public Builder inputBatchNorm(boolean value) {
      inputBatchNorm = value;
      return this;
    }

    public Builder dense(int units, String activation) {
      return layer(LayerSpec.dense(units, activation));
    }

    public Builder layer(LayerSpec layer) {
      layers.add(layer);
      return this;
    }

    /**
     * Changes the last layer added: {@code .dense(100, "elu").then(l ->
     * l.initializer("he_normal"))}.
     */
    public Builder then(java.util.function.UnaryOperator<LayerSpec> change) {
      layers.set(layers.size() - 1, change.apply(layers.get(layers.size() - 1)));
      return this;
    }

    public Builder output(int units, String activation) {
      output = LayerSpec.dense(units, activation);
      return this;
    }

    public Builder optimizer(OptimizerSpec value) {
      optimizer = value;
      return this;
    }

    public Builder schedule(ScheduleSpec value) {
      schedule = value;
      return this;
    }

    public Builder clipValue(double value) {
      clipValue = value;
      return this;
    }

    public Builder clipNorm(double value) {
      clipNorm = value;
      return this;
    }

    public Builder l1(double value) {
      l1 = value;
      return this;
    }

    public Builder l2(double value) {
      l2 = value;
      return this;
    }

    public Builder selfNormalizing(boolean value) {
      selfNormalizing = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    /** The spec, checked. */
    public NetworkSpec build() {
      NetworkSpec spec =
          new NetworkSpec(
              name,
              input.clone(),
              inputDropout,
              inputBatchNorm,
              List.copyOf(layers),
              output,
              optimizer,
              schedule,
              clipValue,
              clipNorm,
              l1,
              l2,
              selfNormalizing,
              seed);
      SpecCheck.check(spec, "spec");
      return spec;
    }
  }
}
