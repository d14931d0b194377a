package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import dev.graft.converter.keras2.KerasH5Importer;
import dev.graft.converter.keras3.KerasV3Importer;
import dev.graft.converter.keras3.KerasV3Writer;
import dev.graft.data.Npy;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras 3 archives written by graft: their outputs, computed from the archive alone by
 * scripts/keras3_forward.py (NumPy and h5py, no graft code), match DL4J's; for models imported from
 * Keras 2 files they match the predictions Keras itself recorded; graft reads them back; and they
 * are laid out like an archive Keras 3.8 wrote.
 */
@Tag("acceptance") // long training or many runs: the acceptance tier (docs/testing.md)
class KerasWriterTest {
  private static final Path SCRIPT =
      Path.of("..", "scripts", "keras3_forward.py").toAbsolutePath().normalize();
  private static final Set<String> NOT_WRITABLE =
      Set.of(
          "dense_rrelu", "dense_hardsigmoid", "dense_hardtanh", "dense_cube", "graph_add_concat");

  @TempDir Path tmp;

  static Stream<Arguments> zoo() {
    return LayerZoo.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("zoo")
  void everyWritableLayerComputesWhatDl4jComputes(String name, Network network) throws Exception {
    Path out = tmp.resolve(name + ".keras");
    if (NOT_WRITABLE.contains(name)) {
      GraftException e =
          assertThrows(GraftException.class, () -> KerasV3Writer.write(network, out));
      assertEquals(GraftException.Kind.UNSUPPORTED, e.kind(), e.getMessage());
      assertFalse(Files.exists(out), "nothing written");
      try (Stream<Path> files = Files.list(tmp)) {
        assertEquals(0, files.count(), "no temporary file left");
      }
      return;
    }
    KerasV3Writer.write(network, out);
    INDArray x = Nd4j.rand(DataType.FLOAT, network.batchShape(16)).muli(2).subi(0.5);
    float[] expected = network.output(x).dup('c').data().asFloat();
    INDArray kerasX =
        network.inputShape().length == 3 && network.inputShape()[0] == 1
            ? x.permute(0, 2, 3, 1).dup('c')
            : x;
    assertClose(
        expected,
        pythonForward(out, kerasX, tmp),
        1e-4,
        name + " (NumPy forward pass of the archive)");
    Network back = KerasV3Importer.importFile(out);
    assertClose(
        expected,
        back.output(kerasX).dup('c').data().asFloat(),
        1e-5,
        name + " (read back by graft)");
  }

  static Stream<Path> recorded() throws IOException {
    return OnnxExportTest.recorded();
  }

  /**
   * Keras 2 files with Keras's recorded predictions: import, write .keras, run the archive: Keras's
   * numbers.
   */
  @ParameterizedTest
  @MethodSource("recorded")
  void archivesOfImportedModelsReproduceKerasRecordedPredictions(Path model) throws Exception {
    SharedModels.require(SharedModels.root().relativize(model).toString());
    Network network = KerasH5Importer.importFile(model);
    Path out = tmp.resolve("model.keras");
    try {
      KerasV3Writer.write(network, out);
    } catch (GraftException e) {
      Assumptions.assumeTrue(
          e.kind() != GraftException.Kind.UNSUPPORTED, "not writable as .keras: " + e.getMessage());
      throw e;
    }
    Path io =
        model.resolveSibling(
            model.getFileName().toString().replace("_model.h5", "_inputs_and_outputs.h5"));
    try (Hdf5Archive h5 = new Hdf5Archive(io.toString())) {
      INDArray x = h5.readDataSet(h5.getDataSets("inputs").get(0), "inputs").castTo(DataType.FLOAT);
      float[] expected =
          h5.readDataSet(h5.getDataSets("predictions").get(0), "predictions")
              .castTo(DataType.FLOAT)
              .dup('c')
              .data()
              .asFloat();
      assertClose(expected, pythonForward(out, x, tmp), 1e-4, model.getFileName().toString());
    }
  }

  @Test
  void laidOutLikeAnArchiveKeras38Wrote() throws Exception {
    Path real = SharedModels.require("keras3/my_model_A__keras-3.8.0.keras");
    Path ours = tmp.resolve("a.keras");
    KerasV3Writer.write(KerasV3Importer.importFile(real), ours);
    assertEquals(entries(real), entries(ours), "entry names, order and compression");
    JsonNode a = config(real);
    JsonNode b = config(ours);
    // The same root keys in the same order, less the training configuration (graft writes no
    // optimizer).
    assertEquals(
        fieldNames(a).stream().filter(k -> !k.equals("compile_config")).toList(),
        fieldNames(b),
        "root keys");
    assertEquals(fieldNames(a.get("config")), fieldNames(b.get("config")), "model config keys");
    Map<String, List<String>> realKeys = layerKeys(a);
    Map<String, List<String>> ourKeys = layerKeys(b);
    for (String cls : List.of("InputLayer", "Flatten", "Dense")) {
      assertEquals(realKeys.get(cls), ourKeys.get(cls), cls + " config keys");
    }
    try (HdfFile r = hdf(real);
        HdfFile o = hdf(ours)) {
      assertEquals(weightLayout(r), weightLayout(o), "weight groups, variable names and shapes");
      assertEquals(
          String.valueOf(((Group) r.getByPath("vars")).getAttribute("name").getData()),
          String.valueOf(((Group) o.getByPath("vars")).getAttribute("name").getData()));
    }
  }

  @Test
  void convertCommandWritesAnArchiveThatScoresLikeItsSource() throws Exception {
    Path base = SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5");
    Path out = tmp.resolve("a.keras");
    Cli r = Cli.run("convert", base.toString(), out.toString(), "--json");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("KERAS_V3", r.json().get("format").asText());
    Cli eval = Cli.run("eval", out.toString(), "--exclude", "5,6", "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    Cli original = Cli.run("eval", base.toString(), "--exclude", "5,6", "--json");
    assertEquals(
        original.json().get("accuracy").asDouble(), eval.json().get("accuracy").asDouble(), 1e-9);
  }

  // --- helpers ---

  static float[] pythonForward(Path archive, INDArray kerasInput, Path tmp) throws Exception {
    Path python = Path.of("/usr/bin/python3");
    Assumptions.assumeTrue(
        Files.exists(python) && run(python, "-c", "import h5py, numpy") == 0,
        "skipped: Debian's python3-h5py and python3-numpy are not installed");
    Path x = Files.createTempFile(tmp, "x", ".npy");
    Path y = Files.createTempFile(tmp, "y", ".npy");
    Npy.write(x, kerasInput.dup('c').data().asFloat(), kerasInput.shape());
    assertEquals(
        0,
        run(python, SCRIPT.toString(), archive.toString(), x.toString(), y.toString()),
        "keras3_forward.py failed");
    return Npy.read(y).data();
  }

  /** The oracle on a model with several inputs or outputs: one array per output. */
  static List<float[]> pythonForward(Path model, List<INDArray> inputs, int outputs, Path tmp)
      throws Exception {
    Path python = Path.of("/usr/bin/python3");
    Assumptions.assumeTrue(
        Files.exists(python) && run(python, "-c", "import h5py, numpy") == 0,
        "skipped: Debian's python3-h5py and python3-numpy are not installed");
    List<String> xs = new ArrayList<>();
    for (INDArray input : inputs) {
      Path x = Files.createTempFile(tmp, "x", ".npy");
      Npy.write(x, input.dup('c').data().asFloat(), input.shape());
      xs.add(x.toString());
    }
    List<Path> ys = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      ys.add(Files.createTempFile(tmp, "y", ".npy"));
    }
    assertEquals(
        0,
        run(
            python,
            SCRIPT.toString(),
            model.toString(),
            String.join(",", xs),
            String.join(",", ys.stream().map(Path::toString).toList())),
        "keras3_forward.py failed");
    List<float[]> out = new ArrayList<>();
    for (Path y : ys) {
      out.add(Npy.read(y).data());
    }
    return out;
  }

  static int run(Path python, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(python.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python hung");
    if (p.exitValue() != 0) {
      System.err.println(output);
    }
    return p.exitValue();
  }

  static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
    assertEquals(expected.length, actual.length, what + ": output size");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          expected[i],
          actual[i],
          tolerance * Math.max(1, Math.abs(expected[i])),
          what + " at " + i);
    }
  }

  private static List<String> entries(Path archive) throws IOException {
    List<String> out = new ArrayList<>();
    try (ZipFile z = new ZipFile(archive.toFile())) {
      z.stream()
          .forEach(
              e ->
                  out.add(
                      e.getName() + (e.getMethod() == ZipEntry.STORED ? " stored" : " deflated")));
    }
    return out;
  }

  private static JsonNode config(Path archive) throws IOException {
    try (ZipFile z = new ZipFile(archive.toFile())) {
      return new ObjectMapper().readTree(z.getInputStream(z.getEntry("config.json")));
    }
  }

  private static HdfFile hdf(Path archive) throws IOException {
    try (ZipFile z = new ZipFile(archive.toFile())) {
      return HdfFile.fromBytes(z.getInputStream(z.getEntry("model.weights.h5")).readAllBytes());
    }
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /**
   * Class name to the ordered keys of a layer entry and of its config (the first layer of each
   * class).
   */
  private static Map<String, List<String>> layerKeys(JsonNode root) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (JsonNode layer : root.get("config").get("layers")) {
      List<String> keys = fieldNames(layer);
      keys.add("|");
      keys.addAll(fieldNames(layer.get("config")));
      out.putIfAbsent(layer.get("class_name").asText(), keys);
    }
    return out;
  }

  /**
   * layers/<group>/vars/<i> with shapes, group order as Keras names them; which layer each vars
   * group belongs to is ignored.
   */
  private static Set<String> weightLayout(HdfFile hdf) {
    Set<String> out = new TreeSet<>();
    Group layers = (Group) hdf.getChild("layers");
    for (var g : layers.getChildren().values()) {
      Group vars = (Group) ((Group) g).getChild("vars");
      out.add(g.getName() + "/vars" + (vars.getAttribute("name") == null ? " (no name)" : ""));
      for (Iterator<String> it = vars.getChildren().keySet().iterator(); it.hasNext(); ) {
        String v = it.next();
        out.add(
            g.getName()
                + "/vars/"
                + v
                + " "
                + java.util.Arrays.toString(((Dataset) vars.getChild(v)).getDimensions()));
      }
    }
    return out;
  }
}
