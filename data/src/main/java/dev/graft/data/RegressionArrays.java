package dev.graft.data;

import dev.graft.GraftException;
import java.util.Arrays;

/**
 * Examples with regression targets, as arrays: features in C order ({@code n} examples of {@code
 * exampleShape}) and {@code width} float targets per example (y of shape (n) or (n, width)).
 */
public record RegressionArrays(
    float[] features,
    long[] exampleShape,
    float[] targets,
    int width,
    boolean integerFeatures,
    String source) {

  public int size() {
    return targets.length / width;
  }

  /** The examples at {@code indices}, in that order. */
  public RegressionArrays pick(int[] indices) {
    int d = features.length / Math.max(1, size());
    float[] x = new float[indices.length * d];
    float[] y = new float[indices.length * width];
    for (int k = 0; k < indices.length; k++) {
      System.arraycopy(features, indices[k] * d, x, k * d, d);
      System.arraycopy(targets, indices[k] * width, y, k * width, width);
    }
    return new RegressionArrays(x, exampleShape, y, width, integerFeatures, source);
  }

  public static RegressionArrays of(ArrayData.Pair p) {
    Npy.Array x = p.x();
    Npy.Array y = p.y();
    if (x.shape().length < 2) {
      throw GraftException.badInput(
          p.label() + ": x has shape " + Arrays.toString(x.shape()) + "; expected (examples, ...)");
    }
    long n = x.shape()[0];
    long[] ys = y.shape();
    if (ys.length == 0 || ys.length > 2 || ys[0] != n) {
      throw GraftException.badInput(
          p.label()
              + ": x holds "
              + n
              + " examples but y has shape "
              + Arrays.toString(ys)
              + "; expected (n) or (n, outputs)");
    }
    LabelledArrays.checkFinite(x.data(), x.data().length / Math.max(1, (int) n), p.label() + " x");
    LabelledArrays.checkFinite(y.data(), y.data().length / Math.max(1, (int) n), p.label() + " y");
    int width = ys.length == 1 ? 1 : (int) ys[1];
    return new RegressionArrays(
        x.data(),
        Arrays.copyOfRange(x.shape(), 1, x.shape().length),
        y.data(),
        width,
        x.integers(),
        p.label());
  }
}
