package dev.graft.trainer;

import dev.graft.GraftException;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxPredictor;
import dev.graft.runtime.Predictor;
import java.nio.file.Path;

/**
 * Opens a {@link Predictor} on any model file graft reads: ONNX in ONNX Runtime ({@link
 * OnnxPredictor}, on the device {@code options} names), Keras .h5/.keras and graft/DL4J zips in
 * DL4J on the CPU, with the class names and preprocessing the file carries (a Teachable Machine
 * model's labels.txt beside it included).
 *
 * <pre>{@code
 * try (Predictor p = Predictors.open(Path.of("keras_model.h5"), ModelOptions.defaults())) {
 *   Prediction r = p.predict(Path.of("photo.jpg"));
 * }
 * }</pre>
 */
public final class Predictors {
  private Predictors() {}

  public static Predictor open(Path model, ModelOptions options) {
    return open(model, options, "auto", "auto");
  }

  /**
   * {@code preprocess}: auto, unit, tf, torch, caffe or none; {@code resize}: auto, stretch, crop.
   */
  public static Predictor open(Path model, ModelOptions options, String preprocess, String resize) {
    if (ModelFormat.detect(model) == ModelFormat.ONNX) {
      return OnnxPredictor.open(model, options, preprocess, resize);
    }
    return of(ModelLoader.load(model), preprocess, resize);
  }

  /** A network already loaded, run in DL4J. */
  public static Predictor of(Network network, String preprocess, String resize) {
    if (network.inputNames().size() != 1 || network.outputNames().size() != 1) {
      throw GraftException.usage(
          network.label()
              + " has "
              + network.inputNames().size()
              + " inputs and "
              + network.outputNames().size()
              + " outputs: a Predictor takes one of each");
    }
    return new NetworkPredictor(network, preprocess, resize);
  }

  /** DL4J networks are not safe to share between threads: one prediction at a time. */
  private static final class NetworkPredictor extends Predictor {
    private final Classifier classifier;

    NetworkPredictor(Network network, String preprocess, String resize) {
      super(
          network.label(),
          network.inputShape(),
          network.classNames(),
          network.preprocessing(),
          preprocess,
          resize);
      this.classifier = Classifier.of(network);
    }

    @Override
    protected synchronized float[] run(float[] batch, int n) {
      return classifier.predict(batch, n);
    }

    @Override
    public void close() {}
  }
}
