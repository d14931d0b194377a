package dev.graft.runtime;

import dev.graft.GraftException;
import java.util.Arrays;

/**
 * Matches an array of examples to the layout a model takes, by shape. An example shaped exactly as
 * the model's input, a flat row of the right length (taken in the model's own layout), or any
 * example of the right size for a model that takes flat rows (flattened in row-major order, as
 * Keras's Flatten does) is used as it is; an image example in the other channel order ([H, W, C]
 * for a model taking [C, H, W], or the reverse) is transposed; anything else is refused: a size
 * check alone let channels-last arrays run through channels-first models and give wrong outputs
 * without a word.
 */
public final class ExampleLayout {
  private ExampleLayout() {}

  /** What was done to fit the model, for a note to the user ({@code null}: nothing). */
  public record Fitted(float[] data, int examples, String note) {}

  /**
   * {@code shape}: the array's shape, examples first; {@code model}: one example's shape as the
   * model takes it; {@code name}: the array's name, for messages.
   */
  /**
   * {@code n} examples of {@code example} shape (no batch dimension), laid out as a model taking
   * {@code model} per example takes them, and scaled: arrays the user brings, ready to run.
   */
  public static float[] fitRows(
      float[] data,
      int n,
      long[] example,
      long[] model,
      String name,
      dev.graft.data.ArrayScaling scaling) {
    long[] shape = new long[example.length + 1];
    shape[0] = n;
    System.arraycopy(example, 0, shape, 1, example.length);
    return scaling.apply(fit(data, shape, model, name).data());
  }

  public static Fitted fit(float[] data, long[] shape, long[] model, String name) {
    if (shape.length < 2 || shape[0] < 1) {
      throw GraftException.badInput(
          name
              + ": needs at least one example along its first dimension (shape "
              + Arrays.toString(shape)
              + ")");
    }
    int n = Math.toIntExact(shape[0]);
    long[] example = Arrays.copyOfRange(shape, 1, shape.length);
    if (Arrays.stream(model)
        .anyMatch(
            d -> d <= 0)) { // a free dimension (ONNX dim_param): ranks and fixed sizes must agree
      boolean fits = example.length == model.length;
      for (int i = 0; fits && i < model.length; i++) {
        fits = model[i] <= 0 || model[i] == example[i];
      }
      if (fits) {
        return new Fitted(data, n, null);
      }
      throw GraftException.usage(
          name
              + ": examples of shape "
              + Arrays.toString(example)
              + " do not fit the model, "
              + "which takes "
              + Arrays.toString(model)
              + " (-1: any size)");
    }
    long modelSize = Arrays.stream(model).reduce(1, Math::multiplyExact);
    long exampleSize = Arrays.stream(example).reduce(1, Math::multiplyExact);
    // the model's own shape; flat rows in the model's layout; or any example for a model that takes
    // flat rows
    if (Arrays.equals(example, model)
        || example.length == 1 && example[0] == modelSize
        || model.length == 1 && exampleSize == modelSize) {
      return new Fitted(data, n, null);
    }
    if (example.length == 3 && model.length == 3) {
      boolean lastToFirst =
          example[0] == model[1] && example[1] == model[2] && example[2] == model[0];
      boolean firstToLast =
          example[1] == model[0] && example[2] == model[1] && example[0] == model[2];
      if (lastToFirst || firstToLast) {
        String from = lastToFirst ? "channels-last" : "channels-first";
        String to = lastToFirst ? "channels-first" : "channels-last";
        int[] order = lastToFirst ? new int[] {2, 0, 1} : new int[] {1, 2, 0};
        return new Fitted(
            transpose(data, n, example, order),
            n,
            name
                + ": "
                + from
                + " examples "
                + Arrays.toString(example)
                + " transposed to the model's "
                + to
                + " "
                + Arrays.toString(model));
      }
    }
    throw GraftException.usage(
        name
            + ": examples of shape "
            + Arrays.toString(example)
            + " do not fit the model, "
            + "which takes "
            + Arrays.toString(model)
            + " (or flat rows of "
            + modelSize
            + " values in that layout)");
  }

  /** Each example's axes permuted: output axis k is input axis {@code order[k]}. */
  private static float[] transpose(float[] data, int n, long[] in, int[] order) {
    int[] inStride = {(int) (in[1] * in[2]), (int) in[2], 1};
    int[] outDims = {(int) in[order[0]], (int) in[order[1]], (int) in[order[2]]};
    int sa = inStride[order[0]];
    int sb = inStride[order[1]];
    int sc = inStride[order[2]];
    int size = outDims[0] * outDims[1] * outDims[2];
    float[] out = new float[data.length];
    for (int e = 0; e < n; e++) {
      int base = e * size;
      int o = base;
      for (int a = 0; a < outDims[0]; a++) {
        for (int b = 0; b < outDims[1]; b++) {
          for (int c = 0; c < outDims[2]; c++) {
            out[o++] = data[base + a * sa + b * sb + c * sc];
          }
        }
      }
    }
    return out;
  }
}
