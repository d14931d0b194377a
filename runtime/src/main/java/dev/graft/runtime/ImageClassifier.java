package dev.graft.runtime;

import dev.graft.GraftException;
import dev.graft.data.ImageDecoder;
import dev.graft.data.Preprocessing;
import dev.graft.data.RgbImage;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An ONNX image classifier for a Java service: images in (files, {@code BufferedImage}s), class
 * probabilities with names out, prepared as the model records (graft's ONNX files carry their class
 * names and preprocessing: a Teachable Machine model converted by graft, a model graft fine-tuned
 * on a folder of images). The shape of DJL's Predictor over ONNX Runtime's session: open once,
 * classify from many threads, close.
 *
 * <pre>{@code
 * try (ImageClassifier c = ImageClassifier.open(Path.of("mine.onnx"), ModelOptions.defaults())) {
 *   ImageClassifier.Result r = c.classify(Path.of("photo.jpg"));
 *   System.out.println(r.best().name() + " " + r.best().probability());
 * }
 * }</pre>
 */
public final class ImageClassifier implements AutoCloseable {
  private final OnnxModel model;
  private final Preprocessing preprocessing;
  private final List<String> classNames;

  /** One class and its probability. */
  public record Scored(String name, int index, float probability) {}

  /** All classes' probabilities, in output order; {@link #best()} and {@link #top(int)}. */
  public record Result(List<Scored> classes) {
    public Scored best() {
      return top(1).get(0);
    }

    /** The k most probable classes, most probable first. */
    public List<Scored> top(int k) {
      return classes.stream()
          .sorted(Comparator.comparingDouble(Scored::probability).reversed())
          .limit(k)
          .toList();
    }
  }

  private ImageClassifier(OnnxModel model, Preprocessing preprocessing) {
    this.model = model;
    this.preprocessing = preprocessing;
    this.classNames = model.classNames();
  }

  /** The model's own preprocessing (recorded in it, else a bilinear stretch and x/255). */
  public static ImageClassifier open(Path onnx, ModelOptions options) {
    return open(onnx, options, "auto", "auto");
  }

  /**
   * {@code preprocess}: auto, unit, tf, torch, caffe or none; {@code resize}: auto, stretch or crop
   * (graft-data's {@link Preprocessing}).
   */
  public static ImageClassifier open(
      Path onnx, ModelOptions options, String preprocess, String resize) {
    OnnxModel model = OnnxModel.load(onnx, options);
    try {
      if (model.inputs().size() != 1 || model.outputs().size() != 1) {
        throw GraftException.usage(onnx + ": an image classifier has one input and one output");
      }
      Preprocessing pre =
          Preprocessing.forModel(
              onnx.toString(), model.exampleShape(), model.preprocessing(), preprocess, resize);
      return new ImageClassifier(model, pre);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  public Result classify(Path image) {
    return result(model.predict(preprocessing.apply(ImageDecoder.read(image)), 1));
  }

  public Result classify(BufferedImage image) {
    return result(model.predict(preprocessing.apply(RgbImage.of(image)), 1));
  }

  /** Several images in one batch; results in the same order. */
  public List<Result> classify(List<Path> images) {
    int d = preprocessing.width() * preprocessing.height() * preprocessing.channels();
    float[] batch = new float[images.size() * d];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(preprocessing.apply(ImageDecoder.read(images.get(i))), 0, batch, i * d, d);
    }
    float[] p = model.predict(batch, images.size());
    int k = p.length / Math.max(1, images.size());
    List<Result> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      out.add(result(java.util.Arrays.copyOfRange(p, i * k, (i + 1) * k)));
    }
    return out;
  }

  /** The class names in output order (empty when the model records none). */
  public List<String> classNames() {
    return classNames;
  }

  public Preprocessing preprocessing() {
    return preprocessing;
  }

  private Result result(float[] p) {
    List<Scored> classes = new ArrayList<>(p.length);
    for (int i = 0; i < p.length; i++) {
      String name = i < classNames.size() ? classNames.get(i) : String.valueOf(i);
      classes.add(new Scored(name, i, p[i]));
    }
    return new Result(classes);
  }

  @Override
  public void close() {
    model.close();
  }
}
