package dev.graft.converter.keras2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.ModelSummary;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KerasH5ImporterTest {
  @TempDir Path tmp;

  static Stream<String> chapterFiles() {
    return Stream.of(
        "my_model_A__keras-2.4.0.h5",
        "my_model_A__keras-2.9.0.h5",
        "alpha_dropout__keras-2.9.0.h5",
        "dropout__keras-2.9.0.h5",
        "mc_dropout__keras-2.9.0.h5",
        "power_scheduling__keras-2.9.0.h5");
  }

  @ParameterizedTest
  @MethodSource("chapterFiles")
  void everyChapterModelImports(String name) {
    Path file = SharedModels.require("keras2/chapter11/" + name);
    Network net = KerasH5Importer.importFile(file);
    assertTrue(net.isSequential());
    assertEquals(28 * 28, net.inputSize());
    // Every chapter model ends in a softmax over 8 or 10 classes: rows of the output sum to 1.
    var out =
        net.output(
            org.nd4j.linalg.factory.Nd4j.rand(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, net.batchShape(3)));
    assertTrue(out.size(1) == 8 || out.size(1) == 10, "outputs: " + out.size(1));
    for (int r = 0; r < 3; r++) {
      assertEquals(1.0, out.getRow(r).sumNumber().doubleValue(), 1e-5);
    }
    assertEquals(64, net.sourceSha256().length());
  }

  /**
   * Keras's Dropout(rate) drops a fraction {@code rate} of its inputs in training and scales the
   * rest by 1 / (1 - rate), and passes inputs through at inference (Keras's documented semantics;
   * this file's three Dropout layers have rate 0.2 in its config). DL4J's own importer made them
   * no-ops.
   */
  @Test
  void kerasDropoutKeepsItsRate() {
    Network net =
        KerasH5Importer.importFile(
            SharedModels.require("keras2/chapter11/dropout__keras-2.9.0.h5"));
    var mln = net.sequential();
    org.nd4j.linalg.api.ndarray.INDArray ones =
        org.nd4j.linalg.factory.Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 100, 28, 28);
    assertEquals("dropout", mln.getLayer(0).conf().getLayer().getLayerName());
    var training =
        mln.feedForward(ones, true).get(1); // the first Dropout's output, in training mode
    long zeros = 0;
    for (float v : training.data().asFloat()) {
      if (v == 0f) {
        zeros++;
      } else {
        assertEquals(1.25f, v, 1e-6f, "kept inputs are scaled by 1 / (1 - 0.2)");
      }
    }
    double dropped = zeros / (double) training.length();
    // 78,400 Bernoulli(0.2) draws: the standard deviation of the fraction is 0.0014.
    assertEquals(0.2, dropped, 0.01, "fraction dropped in training");
    var inference = mln.feedForward(ones, false).get(1);
    assertEquals(0, inference.sub(1f).amaxNumber().doubleValue(), 0.0, "no dropout at inference");
  }

  @Test
  void summaryCountsKerasParameters() {
    Network net =
        KerasH5Importer.importFile(
            SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5"));
    ModelSummary summary = ModelSummary.of(net);
    // Keras's own count for Dense 784-300-100-50-50-50-8: sum of (in+1)*out.
    long expected = 785 * 300 + 301 * 100 + 101 * 50 + 51 * 50 + 51 * 50 + 51 * 8;
    assertEquals(expected, summary.totalParams());
    assertEquals(6, summary.rows().size());
    assertEquals(8, summary.rows().get(5).outputShape()[1]);
    assertTrue(summary.render().contains("dense_217"));
  }

  @Test
  void notHdf5IsAClearError() throws IOException {
    Path file = Files.writeString(tmp.resolve("model.h5"), "this is not a model");
    GraftException e = assertThrows(GraftException.class, () -> KerasH5Importer.importFile(file));
    assertEquals(GraftException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("model.h5"), e.getMessage());
  }

  @Test
  void missingFileIsAClearError() {
    GraftException e =
        assertThrows(GraftException.class, () -> ModelLoader.load(tmp.resolve("nope.h5")));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void truncatedFileIsAClearError() throws IOException {
    Path real = SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    byte[] bytes = Files.readAllBytes(real);
    Path cut = tmp.resolve("cut.h5");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    GraftException e = assertThrows(GraftException.class, () -> KerasH5Importer.importFile(cut));
    assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
  }

  @Test
  void weightsOnlyHdf5IsRefused() {
    Path weights = SharedModels.require("keras2/dl4j-suite/examples/activations/ReLU_0_weights.h5");
    GraftException e =
        assertThrows(GraftException.class, () -> KerasH5Importer.importFile(weights));
    assertTrue(e.getMessage().contains("model_config"), e.getMessage());
  }

  @Test
  void unsupportedLayerIsNamedWithTheSupportedList() {
    String json =
        "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
            + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"batch_input_shape\": [null, 4]}},"
            + "{\"class_name\": \"LocallyConnected2D\", \"config\": {\"name\": \"lc\"}}]}}";
    var config = KerasH5Importer.parseConfig(Path.of("m.h5"), json, "2.4.0", "tensorflow");
    GraftException e =
        assertThrows(
            GraftException.class, () -> KerasH5Importer.checkLayerTypes(Path.of("m.h5"), config));
    assertEquals(GraftException.Kind.UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("'lc' of type LocallyConnected2D"), e.getMessage());
    assertTrue(e.getMessage().contains("Dense"), e.getMessage());
  }

  /**
   * Keras 3's legacy .h5 (keras_version 3.x) goes through graft's own layer mapping (the real files
   * are in RealKerasFilesTest); one without layers is refused as such, not handed to DL4J.
   */
  @Test
  void keras3LegacyH5WithoutLayersIsRefusedAsSuch() {
    Path file = tmp.resolve("keras3_legacy.h5");
    try (io.jhdf.WritableHdfFile hdf = io.jhdf.HdfFile.write(file)) {
      hdf.putAttribute("keras_version", "3.8.0");
      hdf.putAttribute("backend", "tensorflow");
      hdf.putAttribute(
          "model_config",
          "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": []}}");
      hdf.putDataset("unused", new int[] {1});
    }
    GraftException e = assertThrows(GraftException.class, () -> ModelLoader.load(file));
    assertEquals(GraftException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("has no layers"), e.getMessage());
  }
}
