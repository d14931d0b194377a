package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.Network;
import dev.graft.converter.onnx.OnnxExporter;
import dev.graft.converter.onnx.importer.OnnxImporter;
import dev.graft.data.Npy;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX models exported by PyTorch (scripts/make_onnx_fixtures.py: MLPs, batch normalization, CNNs
 * with depthwise convolutions, padding, residual and concatenated branches, at opsets 11, 13, 15
 * and 17) import as DL4J graphs that reproduce PyTorch's recorded outputs; exported again by graft,
 * ONNX Runtime gives the same outputs for the original and the round-tripped file.
 */
class OnnxImportTest {
  static final List<String> MODELS =
      List.of(
          "mlp",
          "bn_mlp",
          "cnn_depthwise",
          "cnn_strided_maxpool",
          "residual_concat",
          "mlp_logsoftmax",
          "cnn_transpose");
  static final int[] OPSETS = {11, 13, 15, 17};

  @TempDir Path tmp;

  static Stream<Arguments> fixtures() {
    List<Arguments> out = new ArrayList<>();
    for (String model : MODELS) {
      for (int opset : OPSETS) {
        out.add(Arguments.of(model, opset));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} opset {1}")
  @MethodSource("fixtures")
  void importedNetworkReproducesPyTorchAndRoundTrips(String model, int opset) throws Exception {
    Path file = resource(model + "_op" + opset + ".onnx");
    Npy.Array x = Npy.read(resource(model + "_x.npy"));
    float[] expected = Npy.read(resource(model + "_y.npy")).data();
    int n = (int) x.shape()[0];

    Network network = OnnxImporter.importFile(file);
    assertInstanceOf(ComputationGraph.class, network.model());
    INDArray input = Nd4j.create(x.data(), x.shape(), 'c').castTo(DataType.FLOAT);
    KerasWriterTest.assertClose(
        expected,
        network.output(input).dup('c').data().asFloat(),
        1e-4,
        model + " imported vs PyTorch");

    byte[] roundTripped = OnnxExporter.export(network, ExportOptions.defaults()).toByteArray();
    try (OnnxModel original = OnnxModel.load(file, ModelOptions.defaults());
        OnnxModel again = OnnxModel.load(roundTripped, ModelOptions.defaults())) {
      float[] a = original.predict(x.data(), n);
      KerasWriterTest.assertClose(expected, a, 1e-4, model + " ONNX Runtime on PyTorch's file");
      KerasWriterTest.assertClose(
          a, again.predict(x.data(), n), 1e-5, model + " round trip ONNX -> DL4J -> ONNX");
    }
    assertEquals(expected.length, network.output(input).length());
  }

  /** Initializers in an external data file inside the model's folder are read from there. */
  @Test
  void externalDataInTheModelsFolderIsRead() throws Exception {
    Path file = resource("mlp_external.onnx");
    resource("mlp_external.weights");
    Npy.Array x = Npy.read(resource("mlp_x.npy"));
    float[] expected = Npy.read(resource("mlp_y.npy")).data();
    assertTrue(
        Files.size(file) < Files.size(tmp.resolve("mlp_external.weights")),
        "the weights are not in the model file");
    Network network = OnnxImporter.importFile(file);
    INDArray input = Nd4j.create(x.data(), x.shape(), 'c').castTo(DataType.FLOAT);
    KerasWriterTest.assertClose(
        expected, network.output(input).dup('c').data().asFloat(), 1e-4, "external data");
    Files.delete(tmp.resolve("mlp_external.weights"));
    GraftException e = assertThrows(GraftException.class, () -> OnnxImporter.importFile(file));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  private Path resource(String name) throws IOException {
    return TestResources.copy(tmp, "onnx", name);
  }
}
