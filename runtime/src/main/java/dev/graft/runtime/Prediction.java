package dev.graft.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One example's output: the values as the model gave them ({@link #values()}, C order, of {@link
 * #shape()}: [classes] for a classifier, [steps, features] for a sequence output) and, read as
 * class probabilities, the classes with their names ({@link #classes()}, {@link #best()}, {@link
 * #top(int)}). A single sigmoid output with two class names reads as both classes (the second's
 * probability is the output).
 */
public record Prediction(float[] values, long[] shape, List<String> classNames) {
  /** One class and its probability. */
  public record Scored(String name, int index, float probability) {}

  public Prediction {
    values = values.clone();
    shape = shape.clone();
    classNames = List.copyOf(classNames);
    if (Arrays.stream(shape).reduce(1, (a, b) -> a * b) != values.length) {
      throw new IllegalArgumentException(
          values.length + " values do not fill the shape " + Arrays.toString(shape));
    }
  }

  @Override
  public float[] values() {
    return values.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Every class with its probability, in output order; named by index when the model has none. */
  public List<Scored> classes() {
    if (values.length == 1 && classNames.size() == 2) {
      return List.of(
          new Scored(classNames.get(0), 0, 1 - values[0]),
          new Scored(classNames.get(1), 1, values[0]));
    }
    List<Scored> out = new ArrayList<>(values.length);
    for (int i = 0; i < values.length; i++) {
      out.add(new Scored(i < classNames.size() ? classNames.get(i) : "" + i, i, values[i]));
    }
    return out;
  }

  /** The most probable class. */
  public Scored best() {
    return top(1).get(0);
  }

  /** The k most probable classes, most probable first. */
  public List<Scored> top(int k) {
    return classes().stream()
        .sorted(Comparator.comparingDouble(Scored::probability).reversed())
        .limit(k)
        .toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Prediction p
        && Arrays.equals(values, p.values)
        && Arrays.equals(shape, p.shape)
        && classNames.equals(p.classNames);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(values) + Arrays.hashCode(shape)) + classNames.hashCode();
  }

  @Override
  public String toString() {
    return "Prediction" + classes();
  }
}
