package dev.graft.spark;

import dev.graft.runtime.DenseHeadOnnx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Small models and inputs for the spark module's tests: one dense softmax layer over features. */
final class SoftmaxModels {
  private SoftmaxModels() {}

  /** Standard normal values, seeded. */
  static float[] gaussian(int count, Random r) {
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** {@code file}: an ONNX model of {@code inputs} features to {@code classes} probabilities. */
  static Path write(Path file, int inputs, int classes, Random r) throws IOException {
    float[] w = gaussian(inputs * classes, r);
    DenseHeadOnnx.Layer layer =
        new DenseHeadOnnx.Layer(w, new float[classes], inputs, classes, "softmax");
    Files.write(file, DenseHeadOnnx.of(List.of(layer), "p").toByteArray());
    return file;
  }
}
