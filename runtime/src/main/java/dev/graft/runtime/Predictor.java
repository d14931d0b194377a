package dev.graft.runtime;

import dev.graft.GraftException;
import dev.graft.data.ImageDecoder;
import dev.graft.data.Preprocessing;
import dev.graft.data.RgbImage;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A model opened for predictions in a service, whatever runs it ({@link OnnxPredictor}: ONNX
 * Runtime; graft-trainer's {@code Predictors.open}: Keras and DL4J files too): images (files,
 * {@code BufferedImage}s) decoded and prepared as the model records, or arrays already in its input
 * layout; one {@link Prediction} per example, with the model's class names. The shape of DJL's
 * Predictor: open once, predict from many threads, close. One input and one output.
 */
public abstract class Predictor implements AutoCloseable {
  private final String label;
  private final long[] exampleShape;
  private final int exampleSize;
  private final List<String> classNames;
  private final Preprocessing preprocessing;

  /**
   * {@code recorded}: the preprocessing the model records (null: none); {@code preprocess} and
   * {@code resize}: "auto" or a choice ({@link Preprocessing#forModel}).
   */
  protected Predictor(
      String label,
      long[] exampleShape,
      List<String> classNames,
      String recorded,
      String preprocess,
      String resize) {
    this.label = label;
    this.exampleShape = exampleShape.clone();
    this.exampleSize = (int) Arrays.stream(exampleShape).reduce(1, (a, b) -> a * b);
    this.classNames = classNames == null ? List.of() : List.copyOf(classNames);
    this.preprocessing =
        takesImages(exampleShape)
            ? Preprocessing.forModel(label, exampleShape, recorded, preprocess, resize)
            : null;
  }

  /** n examples, row after row, in; n outputs, row after row, out. */
  protected abstract float[] run(float[] batch, int n);

  /**
   * One example's output shape, when the model declares it with {@code valuesPerExample} values;
   * else flat ({@code [valuesPerExample]}).
   */
  protected long[] outputShape(int valuesPerExample) {
    return new long[] {valuesPerExample};
  }

  /** An image file (PNG, JPEG, BMP, GIF, WebP), decoded and prepared as the model expects. */
  public Prediction predict(Path image) {
    return predict(images().apply(ImageDecoder.read(image)));
  }

  public Prediction predict(BufferedImage image) {
    return predict(images().apply(RgbImage.of(image)));
  }

  /** One example already in the model's input layout ({@link #exampleShape()}, C order). */
  public Prediction predict(float[] example) {
    return predictBatch(example, 1).get(0);
  }

  /** Several image files in one batch; predictions in the same order. */
  public List<Prediction> predict(List<Path> images) {
    float[] batch = new float[images.size() * exampleSize];
    for (int i = 0; i < images.size(); i++) {
      float[] x = images().apply(ImageDecoder.read(images.get(i)));
      System.arraycopy(x, 0, batch, i * exampleSize, exampleSize);
    }
    return predictBatch(batch, images.size());
  }

  /** n examples, row after row, in the model's input layout. */
  public List<Prediction> predictBatch(float[] examples, int n) {
    if (n < 1 || examples.length != (long) n * exampleSize) {
      throw GraftException.parameter(
          "examples",
          "holds "
              + examples.length
              + " values; "
              + label
              + " takes "
              + n
              + " x "
              + Arrays.toString(exampleShape)
              + " = "
              + (long) n * exampleSize);
    }
    float[] y = run(examples, n);
    int k = y.length / n;
    long[] shape = outputShape(k);
    List<Prediction> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new Prediction(Arrays.copyOfRange(y, i * k, (i + 1) * k), shape, classNames));
    }
    return out;
  }

  /** The class names in output order (empty when the model records none). */
  public List<String> classNames() {
    return classNames;
  }

  /** One example's shape, without the batch dimension. */
  public long[] exampleShape() {
    return exampleShape.clone();
  }

  /** How images become the model's input; empty when it does not take images. */
  public Optional<Preprocessing> preprocessing() {
    return Optional.ofNullable(preprocessing);
  }

  @Override
  public abstract void close();

  private Preprocessing images() {
    if (preprocessing == null) {
      throw GraftException.usage(
          label
              + " does not take images (its input is "
              + Arrays.toString(exampleShape)
              + " per example): give arrays to predict(float[])");
    }
    return preprocessing;
  }

  /** [h, w, 1|3] or [1|3, h, w]. */
  private static boolean takesImages(long[] ex) {
    return ex.length == 3 && (ex[2] == 1 || ex[2] == 3 || ex[0] == 1 || ex[0] == 3);
  }
}
