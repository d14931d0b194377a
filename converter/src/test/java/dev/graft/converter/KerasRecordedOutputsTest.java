package dev.graft.converter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.graft.converter.keras2.KerasH5Importer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The oracle is Keras itself: DL4J's Keras test suite recorded, next to each model, the inputs
 * Keras was given, every layer's activations and Keras's predictions.
 */
class KerasRecordedOutputsTest {
  private static final double TOLERANCE = 1e-5;

  static Stream<Path> models() throws IOException {
    Path dir = SharedModels.root().resolve("keras2/dl4j-suite/examples");
    if (!Files.isDirectory(dir)) {
      return Stream.of(dir.resolve("missing_model.h5"));
    }
    List<Path> models = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .filter(p -> p.getFileName().toString().endsWith("_model.h5"))
          .sorted()
          .forEach(models::add);
    }
    return models.stream();
  }

  @ParameterizedTest
  @MethodSource("models")
  void reproducesKerasPredictionsAndActivations(Path model) {
    SharedModels.require(SharedModels.root().relativize(model).toString());
    Path recorded =
        model.resolveSibling(
            model.getFileName().toString().replace("_model.h5", "_inputs_and_outputs.h5"));
    Network net = KerasH5Importer.importFile(model);
    try (Hdf5Archive h5 = new Hdf5Archive(recorded.toString())) {
      List<String> inputs = h5.getDataSets("inputs");
      assertEquals(1, inputs.size());
      INDArray x = h5.readDataSet(inputs.get(0), "inputs").castTo(DataType.FLOAT);
      for (String name : h5.getDataSets("predictions")) {
        INDArray expected = h5.readDataSet(name, "predictions");
        assertClose(expected, net.output(x), model + " predictions");
      }
      // Each layer's activation, matched by layer name (DL4J keeps Keras's names).
      // One pass per layer: DL4J's activation layers work in place on their input array, so a
      // single feedForward() list would show later activations in earlier entries.
      MultiLayerNetwork mln = net.sequential();
      List<String> names = net.layerNames();
      List<String> recordedLayers = h5.getDataSets("activations");
      assertFalse(recordedLayers.isEmpty());
      for (String layer : recordedLayers) {
        int index = names.indexOf(layer);
        if (index < 0) {
          throw new AssertionError(
              model + ": no imported layer named " + layer + " (layers " + names + ")");
        }
        assertClose(
            h5.readDataSet(layer, "activations"),
            mln.feedForwardToLayer(index, x, false).get(index + 1),
            model + " layer " + layer);
      }
    } catch (
        org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException
            e) {
      throw new AssertionError(e);
    }
  }

  static void assertClose(INDArray expected, INDArray actual, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
    float[] e = expected.castTo(DataType.FLOAT).dup('c').data().asFloat();
    float[] a = actual.castTo(DataType.FLOAT).dup('c').data().asFloat();
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], TOLERANCE * Math.max(1, Math.abs(e[i])), what + " at " + i);
    }
  }
}
