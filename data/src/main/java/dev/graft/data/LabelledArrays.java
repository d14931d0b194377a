package dev.graft.data;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Labelled examples held as arrays: features in C order ({@code n} examples of {@code
 * exampleShape}), one class index per example, and the class names (index order). {@code
 * integerFeatures}: the source stored whole numbers (uint8 pixels, say), which graft scales as it
 * scales images; floats are used as given.
 */
public record LabelledArrays(
    float[] features,
    long[] exampleShape,
    int[] labels,
    List<String> classNames,
    boolean integerFeatures,
    String source) {

  public int size() {
    return labels.length;
  }

  public int featureCount() {
    return features.length / Math.max(1, labels.length);
  }

  /** The examples at these indices, in this order. */
  public LabelledArrays pick(int[] at) {
    int d = featureCount();
    float[] x = new float[at.length * d];
    int[] y = new int[at.length];
    for (int k = 0; k < at.length; k++) {
      System.arraycopy(features, at[k] * d, x, k * d, d);
      y[k] = labels[at[k]];
    }
    return new LabelledArrays(x, exampleShape, y, classNames, integerFeatures, source);
  }

  /**
   * x and y as NumPy holds them: x of shape (n, ...), y integer class indices of shape (n) or (n,
   * 1), or one-hot rows of shape (n, k). {@code label} names the source in messages.
   */
  static LabelledArrays of(Npy.Array x, Npy.Array y, String label) {
    if (x.shape().length < 2) {
      throw GraftException.badInput(
          label + ": x has shape " + Arrays.toString(x.shape()) + "; expected (examples, ...)");
    }
    int n = (int) x.shape()[0];
    long[] ys = y.shape();
    if (ys.length == 0 || ys[0] != n) {
      throw GraftException.badInput(
          label
              + ": x holds "
              + n
              + " examples but y has shape "
              + Arrays.toString(ys)
              + " (one label per example)");
    }
    checkFinite(x.data(), x.data().length / Math.max(1, n), label + " x");
    int[] labels;
    if (ys.length == 1 || (ys.length == 2 && ys[1] == 1)) {
      labels = classIndices(y.data(), label);
    } else if (ys.length == 2) {
      labels = oneHot(y.data(), (int) ys[1], label);
    } else {
      throw GraftException.badInput(
          label
              + ": y has shape "
              + Arrays.toString(ys)
              + "; expected (n), (n, 1) or one-hot (n, k)");
    }
    return new LabelledArrays(
        x.data(),
        Arrays.copyOfRange(x.shape(), 1, x.shape().length),
        labels,
        numbered(Arrays.stream(labels).max().orElse(0) + 1),
        x.integers(),
        label);
  }

  /** "0", "1", ...: the names of classes known only by number. */
  public static List<String> numbered(int k) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      names.add(String.valueOf(i));
    }
    return names;
  }

  private static int[] classIndices(float[] values, String label) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (!(v >= 0) || v != Math.rint(v) || v > 1 << 20) {
        throw GraftException.badInput(
            label + ": label " + v + " of example " + i + " is not a class index (0, 1, 2, ...)");
      }
      out[i] = (int) v;
    }
    return out;
  }

  private static int[] oneHot(float[] values, int k, String label) {
    int n = values.length / k;
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int hot = -1;
      for (int c = 0; c < k; c++) {
        float v = values[i * k + c];
        if (v == 1 && hot < 0) {
          hot = c;
        } else if (v != 0) {
          hot = -2;
          break;
        }
      }
      if (hot < 0) {
        throw GraftException.badInput(
            label + ": y row " + i + " is not one-hot (exactly one 1, the rest 0)");
      }
      out[i] = hot;
    }
    return out;
  }

  /** NaN or infinite features are refused, naming the example. */
  static void checkFinite(float[] values, int perExample, String label) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw GraftException.badInput(
            label + ": example " + (i / Math.max(1, perExample)) + " holds " + values[i]);
      }
    }
  }
}
