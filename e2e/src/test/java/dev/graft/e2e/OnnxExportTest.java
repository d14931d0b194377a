package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import dev.graft.converter.keras2.KerasH5Importer;
import dev.graft.converter.onnx.OnnxExporter;
import dev.graft.onnx.ModelProto;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.trainer.Classifier;
import dev.graft.trainer.data.FashionMnist;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The exporter's oracle is ONNX Runtime: it runs the exported file, and its output must equal
 * DL4J's output for the source network within 1e-5, on real Fashion-MNIST test images; for the DL4J
 * suite's files, Keras's own recorded predictions. ONNX's checker must accept every file.
 */
class OnnxExportTest {
  static final double TOLERANCE = 1e-5;
  static final int N = 64;

  @TempDir Path tmp;

  static float[] images() {
    ChapterReuseTest.requireData();
    return Arrays.copyOf(FashionMnist.load(null).test().pixels(), N * 784);
  }

  static Stream<Arguments> zoo() {
    return LayerZoo.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("zoo")
  void everyLayerTypeMatchesDl4j(String name, Network network) {
    assertSameOutputs(network, ExportOptions.defaults(), images());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "my_model_A__keras-2.4.0.h5",
        "my_model_A__keras-2.9.0.h5",
        "alpha_dropout__keras-2.9.0.h5",
        "dropout__keras-2.9.0.h5",
        "mc_dropout__keras-2.9.0.h5",
        "power_scheduling__keras-2.9.0.h5"
      })
  void chapterModelsMatchDl4j(String file) {
    Network network = KerasH5Importer.importFile(SharedModels.require("keras2/chapter11/" + file));
    assertSameOutputs(network, ExportOptions.defaults(), images());
  }

  @Test
  void everyOpsetFrom13To21() {
    Network network =
        KerasH5Importer.importFile(
            SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5"));
    float[] x = images();
    for (int opset = ExportOptions.MIN_OPSET; opset <= ExportOptions.MAX_OPSET; opset++) {
      ModelProto model =
          assertSameOutputs(network, ExportOptions.builder().opset(opset).build(), x);
      assertEquals(opset, model.getOpsetImport(0).getVersion());
    }
  }

  static Stream<Path> recorded() throws IOException {
    Path dir = SharedModels.root().resolve("keras2/dl4j-suite/examples");
    if (!Files.isDirectory(dir)) {
      return Stream.of(dir.resolve("missing_model.h5"));
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith("_model.h5")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("recorded")
  void onnxRuntimeReproducesKerasRecordedPredictions(Path model) throws Exception {
    SharedModels.require(SharedModels.root().relativize(model).toString());
    Network network = KerasH5Importer.importFile(model);
    Path io =
        model.resolveSibling(
            model.getFileName().toString().replace("_model.h5", "_inputs_and_outputs.h5"));
    try (Hdf5Archive h5 = new Hdf5Archive(io.toString());
        OnnxModel onnx =
            OnnxModel.load(
                OnnxExporter.export(network, ExportOptions.defaults()).toByteArray(),
                ModelOptions.defaults())) {
      var x = h5.readDataSet(h5.getDataSets("inputs").get(0), "inputs").castTo(DataType.FLOAT);
      float[] expected =
          h5.readDataSet(h5.getDataSets("predictions").get(0), "predictions")
              .castTo(DataType.FLOAT)
              .dup('c')
              .data()
              .asFloat();
      float[] actual = onnx.predict(x.dup('c').data().asFloat(), (int) x.size(0));
      assertClose(expected, actual, model.getFileName().toString());
    }
  }

  @Test
  void officialCheckerAcceptsEveryExportedFile() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    int checkerOpset = Files.exists(python) ? checkerOpset(python) : -1;
    org.junit.jupiter.api.Assumptions.assumeTrue(
        checkerOpset > 0,
        "skipped: Debian's python3-onnx is not installed (apt-get install python3-onnx)");
    // Debian 12's onnx 1.12 knows opsets up to 17; later ones are checked by ONNX Runtime only.
    int highest = Math.min(checkerOpset, ExportOptions.MAX_OPSET);
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, Network> e : LayerZoo.all().entrySet()) {
      for (int opset : new int[] {13, highest}) {
        Path out = tmp.resolve(e.getKey() + "_opset" + opset + ".onnx");
        OnnxExporter.write(e.getValue(), out, ExportOptions.builder().opset(opset).build());
        files.add(out.toString());
      }
    }
    Path dir = SharedModels.root().resolve("keras2/chapter11");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path h5 : s.sorted().toList()) {
          Path out = tmp.resolve(h5.getFileName() + ".onnx");
          OnnxExporter.write(KerasH5Importer.importFile(h5), out, ExportOptions.defaults());
          files.add(out.toString());
        }
      }
    }
    List<String> command =
        new ArrayList<>(
            List.of(python.toString(), Path.of("..", "scripts", "check_onnx.py").toString()));
    command.addAll(files);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "checker hung");
    assertEquals(0, p.exitValue(), output);
    assertTrue(output.contains("checked " + files.size() + " files, 0 failed"), output);
  }

  /**
   * ONNX's official checker (Debian's python3-onnx, scripts/check_onnx.py) accepts {@code file};
   * where it is not installed only ONNX Runtime's run of the file checks it.
   */
  static void check(Path file) throws Exception {
    Path python = Path.of("/usr/bin/python3");
    if (!Files.exists(python) || checkerOpset(python) <= 0) {
      return;
    }
    Process p =
        new ProcessBuilder(
                python.toString(),
                Path.of("..", "scripts", "check_onnx.py").toString(),
                file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "checker hung");
    assertEquals(0, p.exitValue(), output);
    assertTrue(output.contains("checked 1 files, 0 failed"), output);
  }

  @Test
  void exportedModelAScoresLikeItsSourceThroughTheCli() {
    Path h5 = SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    ChapterReuseTest.requireData();
    Path onnx = tmp.resolve("a.onnx");
    Cli convert = Cli.run("convert", h5.toString(), onnx.toString(), "--labels", "a,b,c,d,e,f,g,h");
    assertEquals(0, convert.exitCode(), convert.err());
    assertEquals(ModelFormat.ONNX, ModelFormat.detect(onnx));
    double source =
        Cli.run("eval", h5.toString(), "--exclude", "5,6", "--json")
            .json()
            .get("accuracy")
            .asDouble();
    Cli eval = Cli.run("eval", onnx.toString(), "--exclude", "5,6", "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    assertEquals(source, eval.json().get("accuracy").asDouble());
  }

  @Test
  void unsupportedLayerIsNamed() {
    MultiLayerNetwork rnn =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .list()
                .layer(new LSTM.Builder().name("my_lstm").nIn(4).nOut(3).build())
                .layer(new RnnOutputLayer.Builder().name("rnn_out").nIn(3).nOut(2).build())
                .build());
    rnn.init();
    Network network =
        new Network(rnn, "rnn", null, ModelFormat.DL4J_ZIP, "", new long[] {4, 5}, "test");
    GraftException e =
        assertThrows(
            GraftException.class, () -> OnnxExporter.export(network, ExportOptions.defaults()));
    assertTrue(
        e.getMessage().contains("'my_lstm'") && e.getMessage().contains("LSTM"), e.getMessage());
    assertEquals(GraftException.Kind.UNSUPPORTED, e.kind());
    GraftException opset =
        assertThrows(GraftException.class, () -> ExportOptions.builder().opset(12).build());
    assertEquals(GraftException.Kind.USAGE, opset.kind());
  }

  /** Exports, runs in ONNX Runtime and in DL4J on the same images, and compares. */
  static ModelProto assertSameOutputs(Network network, ExportOptions options, float[] flatImages) {
    ModelProto model = OnnxExporter.export(network, options);
    int n = flatImages.length / 784;
    float[] x = flatImages;
    if (network.inputSize() != 784) {
      throw new AssertionError("zoo networks take 28x28 images");
    }
    float[] expected = Classifier.of(network).predict(x, n);
    try (OnnxModel onnx = OnnxModel.load(model.toByteArray(), ModelOptions.defaults())) {
      assertEquals(
          Arrays.stream(network.batchShape(1)).skip(1).boxed().toList(),
          Arrays.stream(onnx.exampleShape()).boxed().toList());
      assertClose(expected, onnx.predict(x, n), network.name() + " opset " + options.opset());
    }
    return model;
  }

  static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": output size");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          expected[i],
          actual[i],
          TOLERANCE * Math.max(1, Math.abs(expected[i])),
          what + " at " + i);
    }
  }

  /** The highest opset the installed onnx package knows, or -1 without one. */
  static int checkerOpset(Path python) {
    try {
      Process p =
          new ProcessBuilder(
                  python.toString(),
                  "-c",
                  "import onnx.defs; print(onnx.defs.onnx_opset_version())")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? Integer.parseInt(out) : -1;
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return -1;
    }
  }
}
