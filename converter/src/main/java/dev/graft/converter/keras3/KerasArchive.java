package dev.graft.converter.keras3;

import dev.graft.GraftException;
import dev.graft.converter.SafeZip;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The entries of a Keras 3 {@code .keras} archive, read defensively by {@link SafeZip}: entry names
 * with {@code ..}, absolute paths or backslashes, symbolic links, duplicate names, entries that
 * inflate past a limit and local entries the directory does not list are refused. Nothing is ever
 * extracted to disk.
 */
final class KerasArchive {
  static final long MAX_CONFIG_BYTES = 16L << 20;
  static final long MAX_WEIGHTS_BYTES = 2L << 30;

  private KerasArchive() {}

  /** The three entries graft reads. */
  record Contents(String metadata, String config, byte[] weights) {}

  static Contents read(Path file) {
    Map<String, byte[]> entries =
        SafeZip.read(
            file,
            ".keras archive",
            Map.of(
                "metadata.json", MAX_CONFIG_BYTES,
                "config.json", MAX_CONFIG_BYTES,
                "model.weights.h5", MAX_WEIGHTS_BYTES),
            true);
    String metadata =
        new String(
            entries.getOrDefault("metadata.json", "{}".getBytes(StandardCharsets.UTF_8)),
            StandardCharsets.UTF_8);
    return new Contents(
        metadata,
        new String(required(file, entries, "config.json"), StandardCharsets.UTF_8),
        required(file, entries, "model.weights.h5"));
  }

  private static byte[] required(Path file, Map<String, byte[]> entries, String name) {
    byte[] bytes = entries.get(name);
    if (bytes == null) {
      throw GraftException.badInput(
          file + ": not a Keras 3 archive: entry " + name + " is missing");
    }
    return bytes;
  }
}
