package dev.graft.converter;

import dev.graft.GraftException;
import java.nio.file.Path;

/** Loads any model file graft reads into a DL4J {@link Network}, whatever its format. */
public final class ModelLoader {
  private ModelLoader() {}

  public static Network load(Path file) {
    ModelFormat format = ModelFormat.detect(file);
    return switch (format) {
      case KERAS_H5 -> KerasH5Importer.importFile(file);
      case DL4J_ZIP -> Dl4jZip.read(file);
      case KERAS_V3 -> dev.graft.converter.keras3.KerasV3Importer.importFile(file);
      case ONNX -> throw refuseOnnx(file, format);
    };
  }

  private static GraftException refuseOnnx(Path file, ModelFormat format) {
    // A hostile file is reported as such before the (temporary) lack of an ONNX importer.
    dev.graft.ExternalData.parseChecked(file);
    return GraftException.unsupported(file + ": " + format.description()
          + " files cannot be loaded as trainable networks yet (supported: Keras .h5 and .keras, Deeplearning4j .zip)");
  }
}
