package dev.graft.converter;

import dev.graft.GraftException;
import dev.graft.converter.keras3.KerasV3Importer;
import io.jhdf.HdfFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A quick safety report of a Keras or DL4J file, without building a network: format, producer,
 * layer types (flagging Lambda and custom classes), declared weight sizes, and the verdict of
 * graft's structural checks (archive entries, config references).
 */
public final class SafetyCheck {

  private SafetyCheck() {}

  /** Facts about the file and the problems found; a file with problems would be refused. */
  public record Report(String format, String producer, List<String> facts, List<String> problems) {
    public boolean safe() {
      return problems.isEmpty();
    }
  }

  public static Report of(Path file) {
    ModelFormat format = ModelFormat.detect(file);
    List<String> facts = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    String producer = "";
    switch (format) {
      case KERAS_H5 -> producer = kerasH5(file, facts, problems);
      case KERAS_V3 -> producer = kerasV3(file, facts, problems);
      case DL4J_ZIP -> producer = dl4jZip(file, facts, problems);
      case ONNX ->
          throw new IllegalArgumentException("ONNX files are checked by the runtime module");
    }
    // Two checks can meet the same problem (the config reader and the size walk both open the
    // file).
    return new Report(format.description(), producer, facts, problems.stream().distinct().toList());
  }

  /** Every check the loader runs (the same code: a DL4J zip is small to load once checked). */
  private static String dl4jZip(Path file, List<String> facts, List<String> problems) {
    try {
      Network network = Dl4jZip.read(file);
      facts.add(network.layerNames().size() + " layers: " + network.layerNames());
      return network.producer();
    } catch (GraftException e) {
      problems.add(e.getMessage());
      return "Deeplearning4j";
    }
  }

  private static String kerasH5(Path file, List<String> facts, List<String> problems) {
    String producer = "";
    try {
      if (KerasH5Importer.graftMapped(file)) {
        // graft's own mapping checks everything as it builds: building is the check.
        Network network = KerasH5Importer.importFile(file);
        facts.add(network.layerNames().size() + " layers: " + network.layerNames());
        declaredSizes(file, facts, problems);
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
    declaredSizes(file, facts, problems);
    return producer;
  }

  private static void declaredSizes(Path file, List<String> facts, List<String> problems) {
    try (HdfFile hdf = new HdfFile(file)) {
      Hdf5Structure.check(file.toString(), hdf);
      sizes(file, DeclaredSizes.of(hdf), facts, problems);
    } catch (GraftException e) {
      problems.add(e.getMessage());
    } catch (RuntimeException e) {
      problems.add(file + ": HDF5 structure unreadable (" + Errors.describe(e) + ")");
    }
  }

  private static void sizes(
      Path file, DeclaredSizes sizes, List<String> facts, List<String> problems) {
    facts.add(sizes.toString());
    if (sizes.tooLarge()) {
      problems.add(
          file
              + ": declares "
              + sizes.values()
              + " weight values, more than graft accepts ("
              + Hdf5Arrays.MAX_VALUES
              + ")");
    }
  }

  private static String kerasV3(Path file, List<String> facts, List<String> problems) {
    try {
      KerasV3Importer.Inspection i = KerasV3Importer.inspect(file);
      facts.add(
          "model class "
              + i.modelClass()
              + ", "
              + i.layerTypes().size()
              + " layers of types "
              + new TreeSet<>(i.layerTypes()));
      sizes(file, i.sizes(), facts, problems);
      return "Keras " + i.kerasVersion();
    } catch (GraftException e) {
      problems.add(e.getMessage());
      return "Keras 3";
    }
  }
}
