package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.converter.KerasH5File;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import dev.graft.converter.keras3.KerasV3Importer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * graft's own Keras mapping (the one Keras 3 files, nested models and Keras 2 files DL4J cannot
 * read go through) on the DL4J project's tf.keras 2.2.4 CNN suite: Conv2DTranspose,
 * SeparableConv2D, UpSampling2D, Cropping2D, DepthwiseConv2D, spatial dropout, zero padding and
 * pooling in many settings. Every channels-last file must compute what NumPy computes from it
 * (channels-first files are refused by name: graft's mapping is channels last).
 */
class GraftMappingOnKeras2Test {
  @TempDir Path tmp;

  @Test
  void everyChannelsLastCnnOfTheSuiteMatchesNumPy() throws Exception {
    Path suite = SharedModels.require("keras2/dl4j-suite/tfkeras");
    List<Path> files;
    try (Stream<Path> s = Files.list(suite)) {
      files = s.filter(p -> p.getFileName().toString().startsWith("cnn2d_")).sorted().toList();
    }
    int compared = 0;
    List<String> refused = new ArrayList<>();
    for (Path file : files) {
      Network network;
      try (KerasH5File h5 = new KerasH5File(file)) {
        network = KerasV3Importer.importH5(file, h5, h5.attribute("model_config"), "Keras 2");
      } catch (GraftException e) {
        assertTrue(
            e.getMessage().contains("channels_first")
                || e.getMessage().contains("LocallyConnected2D"),
            e.getMessage());
        refused.add(file.getFileName().toString());
        continue;
      }
      INDArray x = RealKerasFilesTest.fixedInput(network.inputShape(), 2, file.hashCode());
      KerasWriterTest.assertClose(
          KerasWriterTest.pythonForward(file, x, tmp),
          network.output(x).dup('c').data().asFloat(),
          1e-4,
          file.getFileName().toString());
      compared++;
    }
    // 56 CNN files: at least 24 channels last, the rest channels first or LocallyConnected2D
    assertEquals(files.size(), compared + refused.size());
    assertTrue(compared >= 24, compared + " compared; refused " + refused);
  }
}
