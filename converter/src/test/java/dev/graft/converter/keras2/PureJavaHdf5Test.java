package dev.graft.converter.keras2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.junit.jupiter.api.Test;

/**
 * graft reads Keras HDF5 files with jHDF (pure Java); DL4J's own importer reads them with the
 * native libhdf5. On every file both can import, the two must give the same parameters.
 */
class PureJavaHdf5Test {
  private static final java.util.Set<String> RECURRENT =
      java.util.Set.of("LSTM", "GRU", "SimpleRNN", "Bidirectional");

  @Test
  void sameWeightsAsDl4jsNativeReader() throws IOException {
    Path root = SharedModels.require("keras2");
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files =
          s.filter(
                  p ->
                      p.toString().endsWith(".h5")
                          && !p.toString().contains("_inputs_and_outputs")
                          && !p.toString().endsWith("_weights.h5"))
              .sorted()
              .toList();
    }
    int compared = 0;
    List<String> different = new ArrayList<>();
    for (Path file : files) {
      if (KerasH5Importer.graftMapped(file)) {
        continue; // read by graft's own mapping (RealKerasFilesTest checks it against NumPy)
      }
      Network ours;
      try {
        ours = KerasH5Importer.importFile(file);
      } catch (dev.graft.GraftException e) {
        continue; // counted and explained by TfKerasSuiteTest
      }
      if (KerasH5Importer.readConfig(file).layerTypes().values().stream()
          .anyMatch(RECURRENT::contains)) {
        continue; // DL4J's own import draws an orthogonal initial recurrent kernel first: minutes
        // in ND4J
      }
      Model native_;
      try {
        native_ =
            ours.isSequential()
                ? KerasModelImport.importKerasSequentialModelAndWeights(file.toString(), false)
                : KerasModelImport.importKerasModelAndWeights(file.toString(), false);
      } catch (Exception e) {
        different.add(file.getFileName() + ": only graft imports it (" + e + ")");
        continue;
      }
      if (!ours.model().params().equals(native_.params())) {
        different.add(file.getFileName() + ": parameters differ");
      }
      compared++;
    }
    System.out.printf("jHDF vs native libhdf5: %d Keras files compared%n", compared);
    // The tf.keras files, DL4J examples and chapter models DL4J's importer reads (180); files with
    // layers it cannot import or imports wrongly go through graft's mapping and are checked against
    // NumPy instead (GraftMappingOnKeras2Test, RealKerasFilesTest).
    assertTrue(compared >= 180, "compared only " + compared);
    assertEquals(List.of(), different);
  }
}
