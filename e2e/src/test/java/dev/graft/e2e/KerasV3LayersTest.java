package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.converter.ExportOptions;
import dev.graft.converter.Network;
import dev.graft.converter.dl4j.Dl4jZip;
import dev.graft.converter.keras3.KerasV3Importer;
import dev.graft.converter.keras3.KerasV3Writer;
import dev.graft.converter.onnx.OnnxExporter;
import dev.graft.data.Npy;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras 3 layer types with no real archive in ../shared (Rescaling, Normalization, PReLU,
 * DepthwiseConv2D): archives made by scripts/make_keras3_fixtures.py in Keras 3.8's layout, with
 * outputs computed from them by NumPy (scripts/keras3_forward.py). graft's import reproduces those
 * outputs, and so do its DL4J zip, its ONNX export and the .keras archive it writes back.
 */
class KerasV3LayersTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(
      strings = {"mlp_rescaling_normalization_prelu", "cnn_depthwise_prelu", "mlp_reshape_cnn"})
  void importedLayersComputeWhatNumPyComputesFromTheArchive(String name) throws Exception {
    Path archive = resource(name + ".keras");
    Npy.Array x = Npy.read(resource(name + "_x.npy"));
    float[] expected = Npy.read(resource(name + "_y.npy")).data();
    INDArray input = Nd4j.create(x.data(), x.shape(), 'c').castTo(DataType.FLOAT);

    Network network = KerasV3Importer.importFile(archive);
    KerasWriterTest.assertClose(
        expected, network.output(input).dup('c').data().asFloat(), 1e-5, name + " imported");

    Path zip = tmp.resolve(name + ".zip");
    Dl4jZip.write(network, zip, null);
    KerasWriterTest.assertClose(
        expected,
        Dl4jZip.read(zip).output(input).dup('c').data().asFloat(),
        1e-5,
        name + " as DL4J zip");

    int n = (int) x.shape()[0];
    try (OnnxModel onnx =
        OnnxModel.load(
            OnnxExporter.export(network, ExportOptions.defaults()).toByteArray(),
            ModelOptions.defaults())) {
      KerasWriterTest.assertClose(
          expected, onnx.predict(x.data(), n), 1e-5, name + " exported to ONNX");
    }

    Path written = tmp.resolve(name + ".keras");
    KerasV3Writer.write(network, written);
    KerasWriterTest.assertClose(
        expected, KerasWriterTest.pythonForward(written, input, tmp), 1e-4, name + " written back");
    assertEquals(expected.length, KerasV3Importer.importFile(written).output(input).length());
  }

  private Path resource(String name) throws IOException {
    return TestResources.copy(tmp.resolve("in"), "keras3", name);
  }
}
