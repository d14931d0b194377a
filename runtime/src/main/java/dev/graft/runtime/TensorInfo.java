package dev.graft.runtime;

/** An input or output of a model: name, shape (-1 for a dynamic dimension), element type. */
public record TensorInfo(String name, long[] shape, String type) {
  /** Values per example: the product of the dimensions after the first (batch) one. */
  public long exampleSize() {
    long n = 1;
    for (int i = 1; i < shape.length; i++) {
      n *= Math.max(shape[i], 1);
    }
    return n;
  }

  @Override
  public String toString() {
    return name + " " + type + java.util.Arrays.toString(shape);
  }
}
