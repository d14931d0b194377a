package dev.graft.converter.keras2;

import dev.graft.GraftException;
import dev.graft.converter.FormatProvider;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import dev.graft.converter.SafetyCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/** Legacy HDF5 Keras model files ({@code .h5}): Keras 1, 2 and 3 (graft does not write them). */
public final class KerasH5Format implements FormatProvider {
  @Override
  public ModelFormat format() {
    return ModelFormat.KERAS_H5;
  }

  @Override
  public Network read(Path file) {
    return KerasH5Importer.importFile(file);
  }

  @Override
  public String check(Path file, List<String> facts, List<String> problems) {
    String producer = "";
    try {
      if (KerasH5Importer.graftMapped(file)) {
        // graft's own mapping checks everything as it builds: building is the check.
        Network network = KerasH5Importer.importFile(file);
        facts.add(network.layerNames().size() + " layers: " + network.layerNames());
        SafetyCheck.declaredSizes(file, facts, problems);
        return network.producer();
      }
      KerasH5Importer.KerasConfig config = KerasH5Importer.readConfig(file);
      producer = "Keras " + config.kerasVersion();
      facts.add(
          "model class "
              + config.modelClass()
              + ", "
              + config.layerTypes().size()
              + " layers of types "
              + new TreeSet<>(config.layerTypes().values()));
      try {
        KerasH5Importer.checkLayerTypes(file, config);
      } catch (GraftException e) {
        problems.add(e.getMessage());
      }
    } catch (GraftException e) {
      problems.add(e.getMessage());
    }
    SafetyCheck.declaredSizes(file, facts, problems);
    return producer;
  }
}
