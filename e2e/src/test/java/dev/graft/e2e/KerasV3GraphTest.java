package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.ModelSummary;
import dev.graft.converter.Network;
import dev.graft.converter.dl4j.Dl4jZip;
import dev.graft.converter.keras3.KerasV3Importer;
import dev.graft.converter.keras3.KerasV3Writer;
import dev.graft.converter.onnx.OnnxExporter;
import dev.graft.data.Npy;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras 3 Functional models that branch and merge (Add, Concatenate, a Flatten feeding a merge):
 * archives made by scripts/make_keras3_fixtures.py in Keras 3.8's layout, outputs computed from
 * them by NumPy (scripts/keras3_forward.py). graft imports them as ComputationGraphs that reproduce
 * those outputs, as do their DL4J zip and ONNX export; malformed graphs get a clear error.
 */
class KerasV3GraphTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"functional_residual_mlp", "functional_concat_cnn"})
  void graphsComputeWhatNumPyComputesFromTheArchive(String name) throws Exception {
    Npy.Array x = Npy.read(resource(name + "_x.npy"));
    float[] expected = Npy.read(resource(name + "_y.npy")).data();
    INDArray input = Nd4j.create(x.data(), x.shape(), 'c').castTo(DataType.FLOAT);

    Network network = KerasV3Importer.importFile(resource(name + ".keras"));
    assertInstanceOf(ComputationGraph.class, network.model());
    KerasWriterTest.assertClose(
        expected, network.output(input).dup('c').data().asFloat(), 1e-5, name + " imported");

    Path zip = tmp.resolve(name + ".zip");
    Dl4jZip.write(network, zip, null);
    KerasWriterTest.assertClose(
        expected,
        Dl4jZip.read(zip).output(input).dup('c').data().asFloat(),
        1e-5,
        name + " as DL4J zip");

    try (OnnxModel onnx =
        OnnxModel.load(
            OnnxExporter.export(network, ExportOptions.defaults()).toByteArray(),
            ModelOptions.defaults())) {
      KerasWriterTest.assertClose(
          expected, onnx.predict(x.data(), (int) x.shape()[0]), 1e-5, name + " exported to ONNX");
    }

    // The .keras writer writes layer stacks only: a graph is refused, and nothing is left behind.
    Path written = tmp.resolve(name + "-out.keras");
    GraftException e =
        assertThrows(GraftException.class, () -> KerasV3Writer.write(network, written));
    assertEquals(GraftException.Kind.UNSUPPORTED, e.kind(), e.getMessage());
    assertTrue(Files.notExists(written));
  }

  @Test
  void summaryShowsMergesAndWhatEachLayerTakes() throws IOException {
    ModelSummary summary =
        ModelSummary.of(KerasV3Importer.importFile(resource("functional_concat_cnn.keras")));
    Map<String, ModelSummary.Row> rows = new HashMap<>();
    summary.rows().forEach(r -> rows.put(r.name(), r));
    // As the archive's inbound_nodes say: residual = Add(channels, c3), features =
    // Concatenate(flat, gap).
    assertEquals(List.of("channels", "c3"), rows.get("residual").inputs());
    assertEquals(List.of("flat", "gap"), rows.get("features").inputs());
    assertArrayEquals(new long[] {-1, 8, 8, 6}, rows.get("channels").outputShape());
    assertArrayEquals(new long[] {-1, 102}, rows.get("features").outputShape());
    // Keras's count: conv (3*3*3+1)*4 + (1*1*3+1)*2 + (3*3*6+1)*6, dense (102+1)*2.
    assertEquals(112 + 8 + 330 + 206, summary.totalParams());
  }

  @Test
  void malformedGraphsAreRefusedByName() throws IOException {
    String name = "functional_residual_mlp";
    refused(
        name,
        c -> c.replace("\"keras_history\": [\"d2\"", "\"keras_history\": [\"nowhere\""),
        "takes its input from 'nowhere', which is not a layer defined before it");
    refused(name, c -> c.replace("\"axis\": -1}", "\"axis\": 0}"), "Concatenate over axis 0");
    refused(
        name,
        c ->
            c.replace(
                "\"inbound_nodes\": [{\"args\": [{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 8], "
                    + "\"dtype\": \"float32\", \"keras_history\": [\"d1\", 0, 0]}}], \"kwargs\": {}}]",
                "\"inbound_nodes\": [{\"args\": [{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 8], "
                    + "\"dtype\": \"float32\", \"keras_history\": [\"d1\", 0, 0]}}], \"kwargs\": {}}, {\"args\": [], \"kwargs\": {}}]"),
        "called 2 times");
  }

  /**
   * A hidden layer named as a second output: the model imports with both, in the file's order, each
   * as NumPy computes it.
   */
  @Test
  void aSecondOutputIsImportedInTheFilesOrder() throws Exception {
    Path out =
        edited(
            "functional_residual_mlp",
            c -> c.replace("[\"out\", 0, 0]", "[\"d2\", 0, 0], [\"out\", 0, 0]"),
            "two outputs");
    Network network = KerasV3Importer.importFile(out);
    assertEquals(List.of("d2", "out"), network.outputNames());
    INDArray x = RealKerasFilesTest.fixedInput(network.inputShapes().get(0), 3, 5);
    List<float[]> expected = KerasWriterTest.pythonForward(out, List.of(x), 2, tmp);
    INDArray[] ys = network.outputs(x);
    for (int i = 0; i < 2; i++) {
      KerasWriterTest.assertClose(
          expected.get(i), ys[i].dup('c').data().asFloat(), 1e-5, "output " + i);
    }
  }

  private void refused(String name, UnaryOperator<String> edit, String fragment)
      throws IOException {
    Path out = edited(name, edit, fragment);
    GraftException e = assertThrows(GraftException.class, () -> KerasV3Importer.importFile(out));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  private Path edited(String name, UnaryOperator<String> edit, String fragment) throws IOException {
    Path source = resource(name + ".keras");
    Path out = tmp.resolve("edited-" + fragment.hashCode() + ".keras");
    try (ZipFile in = new ZipFile(source.toFile());
        ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
      for (ZipEntry e : Collections.list(in.entries())) {
        byte[] bytes = in.getInputStream(e).readAllBytes();
        if (e.getName().equals("config.json")) {
          String config = new String(bytes, StandardCharsets.UTF_8);
          String edited = edit.apply(config);
          assertTrue(!edited.equals(config), "the edit for '" + fragment + "' changed nothing");
          bytes = edited.getBytes(StandardCharsets.UTF_8);
        }
        zip.putNextEntry(new ZipEntry(e.getName()));
        zip.write(bytes);
        zip.closeEntry();
      }
    }
    return out;
  }

  private Path resource(String name) throws IOException {
    return TestResources.copy(tmp.resolve("in"), "keras3", name);
  }
}
