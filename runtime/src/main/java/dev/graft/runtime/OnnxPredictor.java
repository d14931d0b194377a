package dev.graft.runtime;

import dev.graft.GraftException;
import java.nio.file.Path;

/**
 * A {@link Predictor} on ONNX Runtime: one session, safe to share between threads. graft's ONNX
 * files carry their class names and preprocessing (a Teachable Machine model converted by graft, a
 * model graft fine-tuned on a folder of images), so photos go in as they are.
 *
 * <pre>{@code
 * try (Predictor p = OnnxPredictor.open(Path.of("mine.onnx"), ModelOptions.defaults())) {
 *   Prediction r = p.predict(Path.of("photo.jpg"));
 *   System.out.println(r.best().name() + " " + r.best().probability());
 * }
 * }</pre>
 */
public final class OnnxPredictor extends Predictor {
  private final OnnxModel model;

  private OnnxPredictor(OnnxModel model, Path file, String preprocess, String resize) {
    super(
        file.toString(),
        model.exampleShape(),
        model.classNames(),
        model.preprocessing(),
        preprocess,
        resize);
    this.model = model;
  }

  /** The model's own preprocessing (recorded in it, else a bilinear stretch and x/255). */
  public static OnnxPredictor open(Path onnx, ModelOptions options) {
    return open(onnx, options, "auto", "auto");
  }

  /**
   * {@code preprocess}: auto, unit, tf, torch, caffe or none; {@code resize}: auto, stretch or crop
   * (graft-data's {@link dev.graft.data.Preprocessing}).
   */
  public static OnnxPredictor open(
      Path onnx, ModelOptions options, String preprocess, String resize) {
    OnnxModel model = OnnxModel.load(onnx, options);
    try {
      if (model.inputs().size() != 1 || model.outputs().size() != 1) {
        throw GraftException.usage(
            onnx
                + " has "
                + model.inputs().size()
                + " inputs and "
                + model.outputs().size()
                + " outputs: a Predictor takes one of each (OnnxModel.run takes several)");
      }
      return new OnnxPredictor(model, onnx, preprocess, resize);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  @Override
  protected float[] run(float[] batch, int n) {
    return model.predict(batch, n);
  }

  /** The declared output shape without its batch dimension, when static and of that size. */
  @Override
  protected long[] outputShape(int valuesPerExample) {
    long[] declared = model.outputs().get(0).shape();
    long[] one =
        java.util.Arrays.copyOfRange(declared, Math.min(1, declared.length), declared.length);
    long size = 1;
    for (long d : one) {
      size *= d;
    }
    return one.length > 0
            && size == valuesPerExample
            && java.util.Arrays.stream(one).allMatch(d -> d > 0)
        ? one
        : super.outputShape(valuesPerExample);
  }

  @Override
  public void close() {
    model.close();
  }
}
