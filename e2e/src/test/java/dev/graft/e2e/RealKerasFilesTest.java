package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.ModelSummary;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import dev.graft.converter.onnx.OnnxExporter;
import dev.graft.data.Npy;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.runtime.Prediction;
import dev.graft.runtime.Predictor;
import dev.graft.trainer.Predictors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Real Keras files other people trained and published (../shared/models): Keras 3 legacy {@code
 * .h5}, Teachable Machine exports that nest a MobileNetV2 base two models deep (in Keras 2.4,
 * 2.2.4-tf and a Windows-written {@code .keras}), MLPerf Tiny's ResNet-8 and MobileNetV1. Each
 * imports, and its outputs on fixed inputs match scripts/keras3_forward.py, a NumPy forward pass
 * written from Keras's documented layer equations and file layouts (no graft code), within 1e-4, as
 * do those of its ONNX export.
 */
class RealKerasFilesTest {
  private static final Path VARIANT_SCRIPT =
      Path.of("..", "scripts", "h5_config_variant.py").toAbsolutePath().normalize();

  @TempDir Path tmp;

  static Stream<String> importable() {
    return Stream.of(
        "keras3-h5/fashion-mnist-mlp-3dense__keras-3.10.0.h5",
        "keras3-h5/heart-disease-wide-deep-concat-functional__keras-3.9.2.h5",
        "keras3-h5/mnist-cnn-batchnorm-gap__keras-3.8.0.h5",
        "keras3-h5/homl-ch10-california-housing-mlp-regressor__keras-3.3.3.h5",
        "teachable-machine/dog-cat/keras_model.h5",
        "teachable-machine/helmet-epi/keras_model.h5",
        "teachable-machine/helmet-epi/keras_model.keras",
        "teachable-machine/snake-gesture-tf224/keras_model.h5",
        "keras2/real-world/cifar10-resnet8-add-batchnorm-functional__keras-2.4.0.h5",
        "keras2/real-world/vww-person-mobilenetv1-0.25-functional__keras-2.4.0.h5");
  }

  @ParameterizedTest
  @MethodSource("importable")
  void importedModelsComputeWhatNumPyComputesFromTheFile(String file) throws Exception {
    Path model = SharedModels.require(file);
    Network network = ModelLoader.load(model);
    INDArray x = fixedInput(network.inputShape(), 2, file.hashCode());
    float[] expected = KerasWriterTest.pythonForward(model, x, tmp);
    KerasWriterTest.assertClose(
        expected, network.output(x).dup('c').data().asFloat(), 1e-4, file + " imported");
    try (OnnxModel onnx =
        OnnxModel.load(
            OnnxExporter.export(network, ExportOptions.defaults()).toByteArray(),
            ModelOptions.defaults())) {
      KerasWriterTest.assertClose(
          expected, onnx.predict(x.dup('c').data().asFloat(), 2), 1e-4, file + " as ONNX");
    }
  }

  /**
   * Sequence models: token ids (below the vocabulary size) into Embedding models, values in [-1, 1)
   * into the others; as ONNX (ONNX Runtime's LSTM, GRU, RNN operators) too, except a model that
   * masks padding, whose export is refused in one line.
   */
  @ParameterizedTest
  @CsvSource({
    "keras3-h5/imdb-sentiment-embedding-lstm__keras-3.12.1.h5, 5000",
    "keras2/real-world/imdb-sentiment-embedding-lstm__keras-2.15.0.h5, 5000",
    "keras3-h5/dogecoin-conv1d-bidirectional-lstm__keras-3.8.0.h5, 0",
    "keras3/speech-emotion-lstm-gru__keras-2.15.0.keras, 0"
  })
  void sequenceModelsComputeWhatNumPyComputesFromTheFile(String file, int vocabulary)
      throws Exception {
    Path model = SharedModels.require(file);
    Network network = ModelLoader.load(model);
    INDArray x = fixedInput(network.inputShape(), 2, file.hashCode());
    if (vocabulary > 0) {
      x = x.add(1).mul(vocabulary / 2.0).castTo(DataType.INT32).castTo(DataType.FLOAT);
    }
    float[] expected = KerasWriterTest.pythonForward(model, x, tmp);
    KerasWriterTest.assertClose(
        expected, network.output(x).dup('c').data().asFloat(), 1e-4, file + " imported");
    if (network.masksZeroInput()) {
      GraftException e =
          assertThrows(
              GraftException.class, () -> OnnxExporter.export(network, ExportOptions.defaults()));
      assertTrue(e.getMessage().contains("masks padding"), e.getMessage());
    } else {
      assertOnnxComputes(network, x, expected, file);
      assertKerasComputes(network, x, expected, file, tmp);
    }
  }

  /**
   * The network written as a Keras 3 archive computes {@code expected} within 1e-4 when the NumPy
   * forward pass reads the written file (as Keras would), and when graft reads it back.
   */
  static void assertKerasComputes(
      Network network, INDArray x, float[] expected, String what, Path tmp) throws Exception {
    Path keras = Files.createTempFile(tmp, "written", ".keras");
    Files.delete(keras);
    dev.graft.converter.ModelWriter.write(network, keras, ExportOptions.defaults(), null);
    KerasWriterTest.assertClose(
        expected, KerasWriterTest.pythonForward(keras, x, tmp), 1e-4, what + " as .keras, NumPy");
    KerasWriterTest.assertClose(
        expected,
        ModelLoader.load(keras).output(x).dup('c').data().asFloat(),
        1e-4,
        what + " as .keras, read back");
  }

  /**
   * The network exported to ONNX and run by ONNX Runtime computes {@code expected} (NumPy's) on
   * {@code x} within 1e-4, and the file passes the ONNX checker.
   */
  static void assertOnnxComputes(Network network, INDArray x, float[] expected, String what)
      throws Exception {
    var model = OnnxExporter.export(network, ExportOptions.defaults());
    try (OnnxModel onnx = OnnxModel.load(model.toByteArray(), ModelOptions.defaults())) {
      KerasWriterTest.assertClose(
          expected,
          onnx.predict(x.dup('c').data().asFloat(), (int) x.size(0)),
          1e-4,
          what + " as ONNX");
    }
    Path file = Files.createTempFile("graft-sequence", ".onnx");
    try {
      Files.write(file, model.toByteArray());
      OnnxExportTest.check(file);
    } finally {
      Files.delete(file);
    }
  }

  /**
   * Conv1D paddings and strides and both 1D poolings, on variants of the dogecoin model that only
   * change those settings (scripts/h5_config_variant.py; the real weights fit them all).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.padding=\"causal\"",
        "1.padding=\"valid\"; 2.class_name=\"AveragePooling1D\"; 2.padding=\"same\"",
        "1.strides=[2]; 2.padding=\"same\"",
        "1.padding=\"valid\"; 1.strides=[2]; 2.class_name=\"AveragePooling1D\""
      })
  void conv1DAndPooling1DVariantsComputeWhatNumPyComputes(String edits) throws Exception {
    Path real =
        SharedModels.require("keras3-h5/dogecoin-conv1d-bidirectional-lstm__keras-3.8.0.h5");
    Path model = tmp.resolve("variant.h5");
    List<String> args =
        new ArrayList<>(List.of(VARIANT_SCRIPT.toString(), real.toString(), model.toString()));
    for (String edit : edits.split(";")) {
      args.add(edit.strip());
    }
    Path python = Path.of("/usr/bin/python3");
    Assumptions.assumeTrue(Files.exists(python), "no /usr/bin/python3");
    assertEquals(0, KerasWriterTest.run(python, args.toArray(String[]::new)), "variant script");
    Network network = ModelLoader.load(model);
    INDArray x = fixedInput(network.inputShape(), 2, 7);
    float[] expected = KerasWriterTest.pythonForward(model, x, tmp);
    KerasWriterTest.assertClose(expected, network.output(x).dup('c').data().asFloat(), 1e-4, edits);
    assertOnnxComputes(network, x, expected, edits);
    assertKerasComputes(network, x, expected, edits, tmp);
  }

  /**
   * The book's wide-and-deep model (two inputs, two outputs; DL4J's own importer mis-sizes it):
   * each output matches NumPy, in the order of the file's output_layers.
   */
  @Test
  void severalInputsAndOutputsComputeWhatNumPyComputes() throws Exception {
    Path model =
        SharedModels.require(
            "keras2/real-world/homl-ch10-wide-deep-2in-2out-functional__keras-2.4.0.h5");
    Network network = ModelLoader.load(model);
    assertEquals(List.of("wide_input", "deep_input"), network.inputNames());
    assertEquals(List.of("main_output", "aux_output"), network.outputNames());
    List<INDArray> xs = new ArrayList<>();
    for (long[] shape : network.inputShapes()) {
      xs.add(fixedInput(shape, 3, xs.size() + 11));
    }
    List<float[]> expected = KerasWriterTest.pythonForward(model, xs, 2, tmp);
    INDArray[] actual = network.outputs(xs.toArray(INDArray[]::new));
    for (int i = 0; i < 2; i++) {
      KerasWriterTest.assertClose(
          expected.get(i), actual[i].dup('c').data().asFloat(), 1e-4, "output " + i);
    }
    GraftException e = assertThrows(GraftException.class, () -> network.output(xs.get(0)));
    assertTrue(e.getMessage().contains("has 2 inputs (wide_input, deep_input)"), e.getMessage());
  }

  /**
   * The Teachable Machine dog-cat model on its authors' 60 labelled photos, prepared by PIL as
   * Teachable Machine's own snippet does (scripts/tm_images.py): graft's import gives NumPy's
   * probabilities within 1e-4 and the same class for every photo, names the classes from
   * labels.txt, and gets as many right as NumPy (55 of 60 when this was written); graft eval on the
   * photo folder, with its own decoding and preprocessing, gets exactly as many right, with NumPy's
   * confusion matrix.
   */
  @Test
  @Tag("acceptance") // NumPy runs MobileNetV2 on 60 photos: about 40 s
  void teachableMachineClassifiesItsAuthorsPhotosAsNumPyDoes() throws Exception {
    Path model = SharedModels.require("teachable-machine/dog-cat/keras_model.h5");
    Path images = model.resolveSibling("images");
    PilPhotos pil = PilPhotos.prepare(images, tmp);
    Path xs = pil.pixels();
    Path classes = pil.classes();
    Npy.Array photos = Npy.read(xs);
    INDArray x = Nd4j.create(photos.data(), photos.shape(), 'c');
    Network network = ModelLoader.load(model);
    assertEquals(List.of("Dog", "Cat"), network.classNames());
    float[] expected = KerasWriterTest.pythonForward(model, x, tmp);
    float[] actual = network.output(x).dup('c').data().asFloat();
    KerasWriterTest.assertClose(expected, actual, 1e-4, "dog-cat photos");
    List<String> truth = Files.readAllLines(classes);
    int right = 0;
    int agree = 0;
    int[][] numpyConfusion = new int[2][2];
    for (int i = 0; i < truth.size(); i++) {
      int ours = actual[2 * i] >= actual[2 * i + 1] ? 0 : 1;
      int numpy = expected[2 * i] >= expected[2 * i + 1] ? 0 : 1;
      agree += ours == numpy ? 1 : 0;
      right += network.classNames().get(ours).equals(truth.get(i)) ? 1 : 0;
      numpyConfusion[network.classNames().indexOf(truth.get(i))][numpy]++;
    }
    assertEquals(60, truth.size());
    assertEquals(60, agree, "photos classified as NumPy classifies them");
    assertTrue(right >= 54, right + " of 60 photos classified right");
    // graft's own pipeline end to end: eval decodes and prepares the photos itself, matches the
    // folders to labels.txt by name (its order is Dog, Cat; the folders sort Cat, Dog)
    Cli eval = Cli.run("eval", model.toString(), "--data", images.toString(), "--json");
    assertEquals(0, eval.exitCode(), eval.err());
    assertEquals(60, eval.json().get("n").asInt());
    assertEquals(right / 60.0, eval.json().get("accuracy").asDouble(), 1e-9);
    // the library's Predictor on the model converted to ONNX, and on the Keras file itself (in
    // DL4J): NumPy's probabilities for every photo, from the files themselves (graft decodes and
    // prepares them as the model records)
    Path onnx = tmp.resolve("dog-cat.onnx");
    assertEquals(0, Cli.run("convert", model.toString(), onnx.toString()).exitCode());
    List<Path> files = new java.util.ArrayList<>();
    for (String cls : List.of("Cat", "Dog")) {
      try (var listed = Files.list(images.resolve(cls))) {
        listed.map(Path::toString).sorted().forEach(f -> files.add(Path.of(f)));
      }
    }
    for (Path file : List.of(onnx, model)) {
      try (Predictor predictor = Predictors.open(file, ModelOptions.defaults())) {
        assertEquals(List.of("Dog", "Cat"), predictor.classNames());
        List<Prediction> results = predictor.predict(files);
        int predictorRight = 0;
        for (int i = 0; i < files.size(); i++) {
          Prediction r = results.get(i);
          assertEquals(
              expected[2 * i], r.classes().get(0).probability(), 1e-4, files.get(i) + " Dog");
          assertEquals(
              expected[2 * i + 1], r.classes().get(1).probability(), 1e-4, files.get(i) + " Cat");
          predictorRight += r.best().name().equals(truth.get(i)) ? 1 : 0;
        }
        assertEquals(right, predictorRight, file.toString());
        // one photo alone, and as a BufferedImage, as in the batch
        Prediction one = predictor.predict(files.get(7));
        assertEquals(expected[14], one.classes().get(0).probability(), 1e-4);
        Prediction fromImage = predictor.predict(javax.imageio.ImageIO.read(files.get(7).toFile()));
        assertEquals(one.best().name(), fromImage.best().name());
      }
    }
    // its confusion matrix is NumPy's (rows: true class in the model's order Dog, Cat), and its
    // per-class recall is the diagonal over the row
    for (int t = 0; t < 2; t++) {
      for (int p = 0; p < 2; p++) {
        assertEquals(
            numpyConfusion[t][p], eval.json().get("confusion").get(t).get(p).asInt(), t + "," + p);
      }
      var row = eval.json().get("per_class").get(t);
      assertEquals(network.classNames().get(t), row.get("class").asText());
      assertEquals(30, row.get("support").asInt());
      assertEquals(numpyConfusion[t][t] / 30.0, row.get("recall").asDouble(), 1e-12);
    }
  }

  /**
   * Layers the file marks trainable: false (here the first block of a real CNN) import frozen: the
   * outputs still match NumPy, inspect reports them not trainable, and a training step leaves their
   * parameters (batch normalization's statistics included) exactly as they were.
   */
  @Test
  void layersTheFileMarksNotTrainableImportFrozen() throws Exception {
    Path real = SharedModels.require("keras3-h5/mnist-cnn-batchnorm-gap__keras-3.8.0.h5");
    Path model = tmp.resolve("frozen-block.h5");
    Path python = Path.of("/usr/bin/python3");
    Assumptions.assumeTrue(Files.exists(python), "no /usr/bin/python3");
    assertEquals(
        0,
        KerasWriterTest.run(
            python,
            VARIANT_SCRIPT.toString(),
            real.toString(),
            model.toString(),
            "1.trainable=false",
            "2.trainable=false",
            "3.trainable=false"));
    Network network = ModelLoader.load(model);
    INDArray x = fixedInput(network.inputShape(), 4, 9);
    KerasWriterTest.assertClose(
        KerasWriterTest.pythonForward(model, x, tmp),
        network.output(x).dup('c').data().asFloat(),
        1e-4,
        "frozen block");
    Map<String, Boolean> trainable = new HashMap<>();
    ModelSummary.of(network).rows().forEach(r -> trainable.put(r.name(), r.trainable()));
    assertEquals(false, trainable.get("conv2d"));
    assertEquals(false, trainable.get("batch_normalization"));
    assertEquals(true, trainable.get("conv2d_2"));

    // A loss on top of the imported softmax, as fine-tuning adds one; one SGD step.
    MultiLayerNetwork net =
        new TransferLearning.Builder((MultiLayerNetwork) network.model())
            .fineTuneConfiguration(
                new FineTuneConfiguration.Builder().updater(new Sgd(0.1)).build())
            .addLayer(
                new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .activation(Activation.IDENTITY)
                    .build())
            .build();
    INDArray frozenBefore = net.getLayer(2).params().dup();
    INDArray trainableBefore = net.getLayer(4).params().dup();
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 4, 10);
    labels.putScalar(0, 3, 1f).putScalar(1, 1, 1f).putScalar(2, 7, 1f).putScalar(3, 0, 1f);
    net.fit(x, labels);
    assertEquals(frozenBefore, net.getLayer(2).params(), "frozen batch normalization changed");
    assertTrue(!trainableBefore.equals(net.getLayer(4).params()), "trainable conv did not train");
  }

  /** DL4J computes a first activation layer in place; Network.output must not change its input. */
  @Test
  void outputLeavesItsInputUnchanged() {
    Network network = ModelLoader.load(SharedModels.require("keras2/dl4j-suite/tfkeras/act_1.h5"));
    INDArray x = Nd4j.create(new float[] {-1f, 0.5f, -0.2f, -3f}, new long[] {2, 2});
    INDArray before = x.dup();
    network.output(x);
    network.outputs(x);
    assertEquals(before, x);
  }

  @Test
  void nestedLayersKeepTheirPathInTheirNames() {
    Path model = SharedModels.require("teachable-machine/dog-cat/keras_model.h5");
    Network network = ModelLoader.load(model);
    ComputationGraph graph = (ComputationGraph) network.model();
    List<String> names =
        Arrays.stream(graph.getLayers()).map(l -> l.conf().getLayer().getLayerName()).toList();
    assertTrue(names.contains("sequential_1/model1/Conv1"), names.toString());
    assertTrue(names.contains("sequential_3/dense_Dense2"), names.toString());
    assertEquals(List.of(224L, 224L, 3L), Arrays.stream(network.inputShape()).boxed().toList());
  }

  @Test
  void keras3SequentialH5ImportsAsALayerStack() {
    Path model = SharedModels.require("keras3-h5/fashion-mnist-mlp-3dense__keras-3.10.0.h5");
    Network network = ModelLoader.load(model);
    assertTrue(network.model() instanceof MultiLayerNetwork);
    assertTrue(network.producer().startsWith("Keras 3.10.0"), network.producer());
  }

  @Test
  void aSubclassedModelSavedToH5IsRefusedSayingWhatWouldWork() {
    Path model =
        SharedModels.require(
            "keras3-h5/NEGATIVE-subclassed-MyModel-no-layers-no-weights__keras-3.10.0.h5");
    GraftException e = assertThrows(GraftException.class, () -> ModelLoader.load(model));
    assertEquals(GraftException.Kind.UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("subclassed Keras model (class MyModel)"), e.getMessage());
    assertTrue(e.getMessage().contains("Sequential or Functional"), e.getMessage());
  }

  @Test
  void aWeightsOnlyFileIsRefusedSayingWhatItIs() {
    Path model = SharedModels.require("keras3-h5/mnist-dense10-weights-only__keras-3.weights.h5");
    GraftException e = assertThrows(GraftException.class, () -> ModelLoader.load(model));
    assertTrue(e.getMessage().contains("weights-only file"), e.getMessage());
    assertTrue(e.getMessage().contains("model.save"), e.getMessage());
  }

  /** {@code batch} examples of {@code shape}, uniform in [-1, 1) from a fixed seed. */
  static INDArray fixedInput(long[] shape, int batch, long seed) {
    long[] full = new long[shape.length + 1];
    full[0] = batch;
    System.arraycopy(shape, 0, full, 1, shape.length);
    int n = (int) Arrays.stream(full).reduce(1, Math::multiplyExact);
    float[] values = new float[n];
    Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      values[i] = random.nextFloat() * 2 - 1;
    }
    return Nd4j.create(values, full, 'c');
  }
}
