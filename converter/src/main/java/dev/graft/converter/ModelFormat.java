package dev.graft.converter;

import dev.graft.GraftException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.ZipFile;

/** The model file formats graft reads, recognised by their content, not their name. */
public enum ModelFormat {
  KERAS_H5("Keras HDF5 (.h5)"),
  KERAS_V3("Keras 3 archive (.keras)"),
  DL4J_ZIP("Deeplearning4j zip"),
  ONNX("ONNX");

  private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

  private final String description;

  ModelFormat(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  /** Looks at the first bytes (and, for zips, the entry names) of a file. */
  public static ModelFormat detect(Path file) {
    ModelFiles.requireReadable(file);
    byte[] head = new byte[64];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw GraftException.badInput(file + ": cannot read: " + e.getMessage(), e);
    }
    if (n >= 8 && Arrays.equals(Arrays.copyOf(head, 8), HDF5_MAGIC)) {
      return KERAS_H5;
    }
    if (n >= 4 && Arrays.equals(Arrays.copyOf(head, 4), ZIP_MAGIC)) {
      return zipKind(file);
    }
    String what = NotAModel.describe(head, n);
    if (what != null) {
      throw GraftException.badInput(file + ": " + what);
    }
    // An ONNX model is a protobuf whose first field is ir_version (field 1, varint: byte 0x08).
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")
        || head[0] == 0x08) {
      return ONNX;
    }
    throw GraftException.badInput(
        file
            + ": not a model file graft knows (expected Keras .h5, "
            + "Keras 3 .keras, a Deeplearning4j .zip or .onnx)");
  }

  private static ModelFormat zipKind(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      if (zip.getEntry("configuration.json") != null && zip.getEntry("coefficients.bin") != null) {
        return DL4J_ZIP;
      }
      if (zip.getEntry("config.json") != null && zip.getEntry("model.weights.h5") != null) {
        return KERAS_V3;
      }
      String what = NotAModel.describeZip(zip);
      if (what != null) {
        throw GraftException.badInput(file + ": " + what);
      }
    } catch (IOException e) {
      throw GraftException.badInput(
          file + ": corrupt or truncated zip archive: " + e.getMessage(), e);
    }
    throw GraftException.badInput(
        file
            + ": a zip archive, but neither a Deeplearning4j model "
            + "(configuration.json, coefficients.bin) nor a Keras 3 archive (config.json, model.weights.h5)");
  }
}
