package dev.graft.converter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import java.nio.file.Path;
import java.util.List;

/**
 * One model file format: its reader, its writer and its safety check. Each format package ({@code
 * keras2}, {@code keras3}, {@code onnx}, {@code dl4j}) provides one, listed in {@code
 * META-INF/services}; {@link ModelLoader}, {@link ModelWriter} and {@link SafetyCheck} find them
 * through {@link FormatProviders}, so this package never imports a format package.
 */
public interface FormatProvider {
  ModelFormat format();

  /** Reads a file of this format (the caller has sniffed it) into a network. */
  Network read(Path file);

  /**
   * Writes atomically. {@code record} (may be null): graft's JSON record of how the network was
   * made, for formats that carry it.
   */
  default void write(Network network, Path out, ExportOptions options, ObjectNode record) {
    throw GraftException.unsupported(
        "graft does not write " + format().description() + " files (" + out + ")");
  }

  /**
   * The structural checks of {@link SafetyCheck}: appends facts about the file and the problems
   * found, and returns who wrote it.
   */
  String check(Path file, List<String> facts, List<String> problems);
}
