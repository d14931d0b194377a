package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.FormatProvider;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import dev.graft.converter.SafetyCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/** Keras 3 {@code .keras} archives (also those tf.keras 2.13+ writes). */
public final class KerasArchiveFormat implements FormatProvider {
  @Override
  public ModelFormat format() {
    return ModelFormat.KERAS_V3;
  }

  @Override
  public Network read(Path file) {
    return KerasV3Importer.importFile(file);
  }

  @Override
  public void write(Network network, Path out, ExportOptions options, ObjectNode record) {
    KerasV3Writer.write(network, out);
  }

  @Override
  public String check(Path file, List<String> facts, List<String> problems) {
    try {
      KerasV3Importer.Inspection i = KerasV3Importer.inspect(file);
      facts.add(
          "model class "
              + i.modelClass()
              + ", "
              + i.layerTypes().size()
              + " layers of types "
              + new TreeSet<>(i.layerTypes()));
      SafetyCheck.sizes(file, i.sizes(), facts, problems);
      return "Keras " + i.kerasVersion();
    } catch (GraftException e) {
      problems.add(e.getMessage());
      return "Keras 3";
    }
  }
}
