package dev.graft.trainer;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Keras 3's Adagrad, RMSprop, Adamax and Nadam (keras/src/optimizers), where DL4J's differ: its
 * AdaGrad starts the accumulator at 0 rather than Keras's 0.1, its RmsProp and AdaMax place epsilon
 * differently, and its Nadam takes steps far from Keras's (measured in OptimizerStepsTest). The
 * formulas:
 *
 * <ul>
 *   <li>rmsprop: {@code v = rho v + (1 - rho) g^2; w -= lr g / sqrt(v + eps)} (rho kept in beta2);
 *   <li>adagrad: {@code a += g^2; w -= lr g / sqrt(a + eps)}, a starting at {@code
 *       initialAccumulator};
 *   <li>adamax: {@code m += (g - m)(1 - b1); u = max(b2 u, |g|); w -= lr m / ((1 - b1^t)(u +
 *       eps))};
 *   <li>nadam: {@code u_t = b1 (1 - 0.5 * 0.96^t)}, {@code P_t} the product of the {@code u}s up to
 *       t, {@code m_hat = u_{t+1} m / (1 - P_t u_{t+1}) + (1 - u_t) g / (1 - P_t)}, {@code w -= lr
 *       m_hat / (sqrt(v / (1 - b2^t)) + eps)}.
 * </ul>
 */
public final class KerasUpdater implements IUpdater {
  private String kind;
  private double learningRate;
  private double beta1 = 0.9;
  private double beta2 = 0.999;
  private double epsilon = 1e-7;
  private double initialAccumulator = 0.1;
  private ISchedule schedule;

  /** For DL4J's JSON configuration reader. */
  public KerasUpdater() {
    this("adam", 0.001);
  }

  public KerasUpdater(String kind, double learningRate) {
    this.kind = kind;
    this.learningRate = learningRate;
  }

  public KerasUpdater(
      String kind, double learningRate, double beta1, double beta2, double epsilon) {
    this(kind, learningRate);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public double getLearningRate() {
    return learningRate;
  }

  public void setLearningRate(double learningRate) {
    this.learningRate = learningRate;
  }

  public double getBeta1() {
    return beta1;
  }

  public void setBeta1(double beta1) {
    this.beta1 = beta1;
  }

  public double getBeta2() {
    return beta2;
  }

  public void setBeta2(double beta2) {
    this.beta2 = beta2;
  }

  public double getEpsilon() {
    return epsilon;
  }

  public void setEpsilon(double epsilon) {
    this.epsilon = epsilon;
  }

  public double getInitialAccumulator() {
    return initialAccumulator;
  }

  public void setInitialAccumulator(double initialAccumulator) {
    this.initialAccumulator = initialAccumulator;
  }

  public ISchedule getSchedule() {
    return schedule;
  }

  public void setSchedule(ISchedule schedule) {
    this.schedule = schedule;
  }

  /** Adagrad and RMSprop keep one array per parameter, Adamax and Nadam two. */
  boolean singleState() {
    return kind.equals("adagrad") || kind.equals("rmsprop");
  }

  @Override
  public long stateSize(long numParams) {
    return singleState() ? numParams : 2 * numParams;
  }

  @Override
  public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
    Updater u = new Updater(this);
    u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
    return u;
  }

  @Override
  public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
    Updater u = new Updater(this);
    u.setState(state, initializeStateArrays);
    return u;
  }

  @Override
  public IUpdater clone() {
    KerasUpdater c = new KerasUpdater(kind, learningRate, beta1, beta2, epsilon);
    c.initialAccumulator = initialAccumulator;
    c.schedule = schedule == null ? null : schedule.clone();
    return c;
  }

  @Override
  public double getLearningRate(int iteration, int epoch) {
    return schedule != null ? schedule.valueAt(iteration, epoch) : learningRate;
  }

  @Override
  public boolean hasLearningRate() {
    return true;
  }

  @Override
  public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
    this.learningRate = lr;
    this.schedule = lrSchedule;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KerasUpdater k
        && k.kind.equals(kind)
        && k.learningRate == learningRate
        && k.beta1 == beta1
        && k.beta2 == beta2
        && k.epsilon == epsilon
        && k.initialAccumulator == initialAccumulator
        && Objects.equals(k.schedule, schedule);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, learningRate, beta1, beta2, epsilon, initialAccumulator, schedule);
  }

  @Override
  public String toString() {
    return "Keras " + kind + "(lr=" + learningRate + ")";
  }

  private static final class Updater implements GradientUpdater<KerasUpdater> {
    private final KerasUpdater c;
    private INDArray first;
    private INDArray second;

    /** Nadam's running product of momentum coefficients, valid after step {@code productStep}. */
    private double product = 1;

    private int productStep;

    Updater(KerasUpdater config) {
      this.c = config;
    }

    @Override
    public KerasUpdater getConfig() {
      return c;
    }

    @Override
    public void setState(Map<String, INDArray> state, boolean initialize) {
      first = state.get("M");
      second = state.get("V");
      if (initialize) {
        init();
      }
    }

    @Override
    public Map<String, INDArray> getState() {
      return second == null ? Map.of("M", first) : Map.of("M", first, "V", second);
    }

    @Override
    public void setStateViewArray(
        INDArray viewArray, long[] gradientShape, char order, boolean initialize) {
      INDArray flat = viewArray.reshape(new long[] {viewArray.length()});
      boolean one = c.singleState();
      long n = one ? flat.length() : flat.length() / 2;
      first = flat.get(NDArrayIndex.interval(0, n));
      second = one ? null : flat.get(NDArrayIndex.interval(n, 2 * n));
      if (initialize) {
        init();
      }
    }

    private void init() {
      first.assign(c.kind.equals("adagrad") ? c.initialAccumulator : 0);
      if (second != null) {
        second.assign(0);
      }
    }

    private double u(int step) {
      return c.beta1 * (1 - 0.5 * Math.pow(0.96, step));
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
      double lr = c.getLearningRate(iteration, epoch);
      int t = iteration + 1;
      INDArray g = gradient.reshape(new long[] {gradient.length()}).dup();
      INDArray update;
      switch (c.kind) {
        case "adagrad" -> {
          first.addi(g.mul(g));
          update = g.mul(lr).divi(Transforms.sqrt(first.add(c.epsilon), false));
        }
        case "rmsprop" -> {
          // beta2 holds rho here: v = rho v + (1 - rho) g^2; w -= lr g / sqrt(v + eps)
          first.muli(c.beta2).addi(g.mul(g).muli(1 - c.beta2));
          update = g.mul(lr).divi(Transforms.sqrt(first.add(c.epsilon), false));
        }
        case "adamax" -> {
          first.addi(g.sub(first).muli(1 - c.beta1));
          second.assign(Transforms.max(second.mul(c.beta2), Transforms.abs(g, true), false));
          update = first.mul(lr).divi(second.add(c.epsilon).muli(1 - Math.pow(c.beta1, t)));
        }
        case "nadam" -> {
          if (productStep != t - 1) { // a fresh updater (after a resume): rebuild the product
            product = 1;
            for (int s = 1; s < t; s++) {
              product *= u(s);
            }
          }
          product *= u(t);
          productStep = t;
          double ut = u(t);
          double ut1 = u(t + 1);
          first.addi(g.sub(first).muli(1 - c.beta1));
          second.addi(g.mul(g).subi(second).muli(1 - c.beta2));
          INDArray mHat =
              first.mul(ut1 / (1 - product * ut1)).addi(g.mul((1 - ut) / (1 - product)));
          INDArray vHat = second.div(1 - Math.pow(c.beta2, t));
          update = mHat.muli(lr).divi(Transforms.sqrt(vHat, false).addi(c.epsilon));
        }
        default -> throw new IllegalStateException(c.kind);
      }
      gradient.assign(update.reshape(gradient.shape()));
    }
  }
}
