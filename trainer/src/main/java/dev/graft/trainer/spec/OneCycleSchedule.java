package dev.graft.trainer.spec;

import org.nd4j.linalg.schedule.ISchedule;

/**
 * The chapter's OneCycleScheduler, per batch: from {@code maxRate / 10} up to {@code maxRate} over
 * the first half of the run (less its last tenth), back down over the second, then down to a
 * thousandth of the start over the last {@code iterations / 10 + 1} batches. DL4J's CycleSchedule
 * is not used: its annealing phase produced rates that blew a SELU network up (measured).
 */
public final class OneCycleSchedule implements ISchedule {
  private int iterations;
  private double maxRate;

  /** For DL4J's JSON configuration reader. */
  public OneCycleSchedule() {
    this(2, 0.01);
  }

  public OneCycleSchedule(int iterations, double maxRate) {
    this.iterations = iterations;
    this.maxRate = maxRate;
  }

  public int getIterations() {
    return iterations;
  }

  public void setIterations(int iterations) {
    this.iterations = iterations;
  }

  public double getMaxRate() {
    return maxRate;
  }

  public void setMaxRate(double maxRate) {
    this.maxRate = maxRate;
  }

  @Override
  public double valueAt(int iteration, int epoch) {
    double start = maxRate / 10;
    double last = start / 1000;
    int lastIterations = iterations / 10 + 1;
    int half = (iterations - lastIterations) / 2;
    if (iteration < half) {
      return interpolate(iteration, 0, half, start, maxRate);
    }
    if (iteration < 2 * half) {
      return interpolate(iteration, half, 2 * half, maxRate, start);
    }
    return Math.max(
        last, interpolate(Math.min(iteration, iterations), 2 * half, iterations, start, last));
  }

  private static double interpolate(
      int iteration, int from, int to, double rateFrom, double rateTo) {
    return to == from ? rateTo : (rateTo - rateFrom) * (iteration - from) / (to - from) + rateFrom;
  }

  @Override
  public ISchedule clone() {
    return new OneCycleSchedule(iterations, maxRate);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OneCycleSchedule s && s.iterations == iterations && s.maxRate == maxRate;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(iterations, maxRate);
  }
}
