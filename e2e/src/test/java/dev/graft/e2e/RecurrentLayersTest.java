package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.converter.dl4j.Dl4jZip;
import dev.graft.converter.layers.Gru;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Recurrent layers no real file in ../shared covers (GRU with reset_after=False,
 * Bidirectional(GRU), SimpleRNN, Conv1D into GlobalMaxPooling1D), in Keras 2.15's .h5 layout
 * written by scripts/make_recurrent_h5.py. DL4J's importer has no GRU, so these Keras 2 files go
 * through graft's mapping; they must compute what NumPy computes from the file, also after a round
 * trip through a DL4J zip (graft's GRU layer is saved by class name).
 */
class RecurrentLayersTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"gru-reset-before-bidirectional-gru.h5", "conv1d-simplernn-globalmax.h5"})
  void recurrentLayersComputeWhatNumPyComputes(String name) throws Exception {
    Path file = Path.of("src", "test", "resources", "recurrent", name).toAbsolutePath();
    Network network = ModelLoader.load(file);
    INDArray x = RealKerasFilesTest.fixedInput(network.inputShape(), 3, name.hashCode());
    float[] expected = KerasWriterTest.pythonForward(file, x, tmp);
    KerasWriterTest.assertClose(
        expected, network.output(x).dup('c').data().asFloat(), 1e-5, name + " imported");

    Path zip = tmp.resolve("model.zip");
    Dl4jZip.write(network, zip, null);
    KerasWriterTest.assertClose(
        expected,
        Dl4jZip.read(zip).output(x).dup('c').data().asFloat(),
        1e-5,
        name + " as DL4J zip");
    RealKerasFilesTest.assertOnnxComputes(network, x, expected, name);
    if (!name.startsWith("conv1d-simplernn")) { // its Dense runs at every step: no Keras writer
      RealKerasFilesTest.assertKerasComputes(network, x, expected, name, tmp);
    }
    if (name.startsWith("gru")) {
      MultiLayerNetwork net = (MultiLayerNetwork) network.model();
      long grus =
          Arrays.stream(net.getLayers())
              .map(l -> l.conf().getLayer())
              .map(RecurrentLayersTest::unwrap)
              .filter(l -> l instanceof Gru)
              .count();
      assertTrue(grus >= 2, "GRU layers: " + grus);
    }
  }

  /**
   * Embedding(mask_zero=True) into masked LSTM, GRU, Bidirectional(GRU) and GlobalAveragePooling1D:
   * sequences padded before, padded after and not padded compute what NumPy computes with Keras's
   * masking (padding steps leave the state as it was), also after a DL4J zip round trip.
   */
  @ParameterizedTest
  @ValueSource(strings = {"masked-embedding-lstm-bigru-gap.h5", "masked-embedding-gru-last.h5"})
  void paddedSequencesAreMaskedAsKerasMasksThem(String name) throws Exception {
    Path file = Path.of("src", "test", "resources", "recurrent", name).toAbsolutePath();
    Network network = ModelLoader.load(file);
    assertTrue(network.masksZeroInput());
    INDArray ids =
        Nd4j.create(
            new float[][] {
              {0, 0, 0, 3, 5, 7, 1, 2, 9},
              {4, 8, 12, 16, 19, 2, 3, 0, 0},
              {1, 2, 3, 4, 5, 6, 7, 8, 9}
            });
    float[] expected = KerasWriterTest.pythonForward(file, ids, tmp);
    KerasWriterTest.assertClose(
        expected, network.output(ids).dup('c').data().asFloat(), 1e-5, name + " imported");
    Path zip = tmp.resolve("masked.zip");
    Dl4jZip.write(network, zip, null);
    KerasWriterTest.assertClose(
        expected,
        Dl4jZip.read(zip).output(ids).dup('c').data().asFloat(),
        1e-5,
        name + " as DL4J zip");
  }

  private static Path fixture(String name) {
    return Path.of("src", "test", "resources", "recurrent", name).toAbsolutePath();
  }

  /**
   * ONNX's recurrent operators take sequence lengths, not a mask from the tokens: a masking model's
   * export is refused in one line, and no file is written.
   */
  @Test
  void exportingAMaskingModelToOnnxIsRefused() {
    Path file = fixture("masked-embedding-gru-last.h5");
    Path out = tmp.resolve("masked.onnx");
    Cli r = Cli.run("convert", file.toString(), out.toString());
    assertEquals(3, r.exitCode(), r.err());
    assertTrue(r.err().contains("masks padding"), r.err());
    assertFalse(java.nio.file.Files.exists(out));
  }

  /** Training passes no masks yet: fine-tuning a masking model is refused, nothing written. */
  @Test
  void fineTuningAMaskingModelIsRefused() {
    Path file = fixture("masked-embedding-gru-last.h5");
    Path out = tmp.resolve("ft.zip");
    Cli r =
        Cli.run("finetune", file.toString(), "--task", "shirt-vs-sandal", "--out", out.toString());
    assertEquals(3, r.exitCode(), r.err());
    assertTrue(r.err().contains("masks padding"), r.err());
    assertFalse(Files.exists(out));
  }

  private static Layer unwrap(Layer l) {
    if (l instanceof org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional b) {
      return unwrap(b.getFwd());
    }
    return l instanceof BaseWrapperLayer w ? unwrap(w.getUnderlying()) : l;
  }
}
