package dev.graft.converter.keras3;

import dev.graft.GraftException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * The entries of a Keras 3 {@code .keras} archive, read defensively (Commons Compress): entry names
 * with {@code ..}, absolute paths or backslashes, symbolic links, duplicate names, and entries that
 * inflate past a limit are refused. Nothing is ever extracted to disk.
 */
final class KerasArchive {
  static final long MAX_CONFIG_BYTES = 16L << 20;
  static final long MAX_WEIGHTS_BYTES = 2L << 30;

  private KerasArchive() {}

  /** The three entries graft reads. */
  record Contents(String metadata, String config, byte[] weights) {}

  static Contents read(Path file) {
    try (ZipFile zip = ZipFile.builder().setFile(file.toFile()).get()) {
      checkNames(file, zip);
      String metadata =
          new String(
              entry(file, zip, "metadata.json", MAX_CONFIG_BYTES, false),
              java.nio.charset.StandardCharsets.UTF_8);
      String config =
          new String(
              entry(file, zip, "config.json", MAX_CONFIG_BYTES, true),
              java.nio.charset.StandardCharsets.UTF_8);
      byte[] weights = entry(file, zip, "model.weights.h5", MAX_WEIGHTS_BYTES, true);
      return new Contents(metadata, config, weights);
    } catch (IOException e) {
      throw GraftException.badInput(
          file + ": corrupt or truncated .keras archive (" + e.getMessage() + ")", e);
    }
  }

  private static void checkNames(Path file, ZipFile zip) {
    Set<String> seen = new HashSet<>();
    Enumeration<ZipArchiveEntry> entries = zip.getEntries();
    while (entries.hasMoreElements()) {
      ZipArchiveEntry entry = entries.nextElement();
      String name = entry.getName();
      if (entry.isUnixSymlink()) {
        throw GraftException.badInput(
            file + ": refused: archive entry '" + name + "' is a symbolic link");
      }
      if (name.startsWith("/")
          || name.contains("\\")
          || name.matches("^[A-Za-z]:.*")
          || java.util.Arrays.asList(name.split("/")).contains("..")) {
        throw GraftException.badInput(
            file + ": refused: archive entry '" + name + "' points outside the archive");
      }
      if (!seen.add(name)) {
        throw GraftException.badInput(
            file + ": refused: archive entry '" + name + "' appears twice");
      }
    }
  }

  /** An entry's bytes, reading at most {@code limit} (the declared size is not trusted). */
  private static byte[] entry(Path file, ZipFile zip, String name, long limit, boolean required)
      throws IOException {
    ZipArchiveEntry entry = zip.getEntry(name);
    if (entry == null) {
      if (required) {
        throw GraftException.badInput(
            file + ": not a Keras 3 archive: entry " + name + " is missing");
      }
      return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    try (InputStream in = zip.getInputStream(entry)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        throw GraftException.badInput(
            file + ": refused: entry " + name + " inflates to more than " + (limit >> 20) + " MiB");
      }
      return bytes;
    }
  }
}
