package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.ModelLoader;
import dev.graft.converter.Network;
import dev.graft.converter.dl4j.Dl4jZip;
import dev.graft.converter.layers.Gru;
import java.nio.file.Path;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

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

  private static Layer unwrap(Layer l) {
    if (l instanceof org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional b) {
      return unwrap(b.getFwd());
    }
    return l instanceof BaseWrapperLayer w ? unwrap(w.getUnderlying()) : l;
  }
}
