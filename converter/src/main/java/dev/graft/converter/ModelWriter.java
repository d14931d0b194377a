package dev.graft.converter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a network in the format its file name asks for: {@code .onnx} ONNX, {@code .keras} a Keras
 * 3 archive, {@code .zip} a DL4J network. Any other name is refused, so a file is never written in
 * one format under another's extension.
 */
public final class ModelWriter {
  private ModelWriter() {}

  /** The format {@code out}'s extension names; a usage error for any other extension. */
  public static ModelFormat formatOf(Path out) {
    String name =
        out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".onnx")) {
      return ModelFormat.ONNX;
    }
    if (name.endsWith(".keras")) {
      return ModelFormat.KERAS_V3;
    }
    if (name.endsWith(".zip")) {
      return ModelFormat.DL4J_ZIP;
    }
    throw GraftException.usage(
        "the output file name must end in .onnx, .keras or .zip (which picks the format), not "
            + out.getFileName());
  }

  /** Fails now, before any long work, if {@code out} names no format or could not be written. */
  public static void checkTarget(Path out) {
    formatOf(out);
    AtomicWrite.checkWritable(out);
  }

  /**
   * Writes {@code network} to {@code out}, atomically; {@code record} (may be null) goes into a
   * DL4J zip as its graft.json entry, the other formats do not carry it.
   */
  public static void write(Network network, Path out, ExportOptions options, ObjectNode record) {
    FormatProviders.of(formatOf(out)).write(network, out, options, record);
  }
}
