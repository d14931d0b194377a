package dev.graft.converter;

import dev.graft.GraftException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small checks and facts about model files. */
public final class ModelFiles {
  private ModelFiles() {}

  public static void requireReadable(Path file) {
    if (!Files.exists(file)) {
      throw GraftException.badInput(file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw GraftException.badInput(file + ": is a folder, not a model file");
    }
    if (!Files.isReadable(file)) {
      throw GraftException.badInput(file + ": not readable");
    }
  }
}
