package dev.graft.trainer;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Plain (heavy-ball) momentum as Keras's SGD(momentum=m) does it, which DL4J lacks (its Nesterovs
 * is the Nesterov variant): v = m * v - lr * g; w = w + v.
 */
public final class Momentum implements IUpdater {
  private double learningRate;
  private double momentum;

  /** For DL4J's JSON configuration reader. */
  public Momentum() {
    this(0.01, 0.9);
  }

  public Momentum(double learningRate, double momentum) {
    this.learningRate = learningRate;
    this.momentum = momentum;
  }

  public double getLearningRate() {
    return learningRate;
  }

  public void setLearningRate(double learningRate) {
    this.learningRate = learningRate;
  }

  public double getMomentum() {
    return momentum;
  }

  public void setMomentum(double momentum) {
    this.momentum = momentum;
  }

  @Override
  public long stateSize(long numParams) {
    return numParams;
  }

  @Override
  public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
    Updater updater = new Updater(this);
    updater.setStateViewArray(
        viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
    return updater;
  }

  @Override
  public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
    Updater updater = new Updater(this);
    updater.setState(state, initializeStateArrays);
    return updater;
  }

  @Override
  public IUpdater clone() {
    return new Momentum(learningRate, momentum);
  }

  @Override
  public double getLearningRate(int iteration, int epoch) {
    return learningRate;
  }

  @Override
  public boolean hasLearningRate() {
    return true;
  }

  @Override
  public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
    if (lrSchedule != null) {
      throw new UnsupportedOperationException("Momentum takes a fixed learning rate");
    }
    this.learningRate = lr;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Momentum m && m.learningRate == learningRate && m.momentum == momentum;
  }

  @Override
  public int hashCode() {
    return Objects.hash(learningRate, momentum);
  }

  /** Holds the velocity; DL4J subtracts what {@link #applyUpdater} leaves in the gradient. */
  private static final class Updater implements GradientUpdater<Momentum> {
    private final Momentum config;
    private INDArray velocity;

    Updater(Momentum config) {
      this.config = config;
    }

    @Override
    public Momentum getConfig() {
      return config;
    }

    @Override
    public void setState(Map<String, INDArray> state, boolean initialize) {
      velocity = state.get("V");
      if (initialize) {
        velocity.assign(0);
      }
    }

    @Override
    public Map<String, INDArray> getState() {
      return Map.of("V", velocity);
    }

    @Override
    public void setStateViewArray(
        INDArray viewArray, long[] gradientShape, char order, boolean initialize) {
      if (initialize) {
        viewArray.assign(0);
      }
      // Kept flat, as DL4J's own updaters keep their state: the gradient block is flat too.
      velocity = viewArray;
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
      // v = m v - lr g ; the update DL4J subtracts from the weights is -v.
      velocity
          .muli(config.momentum)
          .subi(gradient.reshape(velocity.shape()).mul(config.learningRate));
      gradient.assign(velocity.neg().reshape(gradient.shape()));
    }
  }
}
