package dev.graft.converter;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real Keras files in ../shared/models (see its README). On a fresh clone without that folder,
 * tests that need them are skipped with a message saying so.
 */
public final class SharedModels {
  private SharedModels() {}

  /** ../shared/models, from the build's graft.shared property or relative to the project root. */
  public static Path root() {
    String prop = System.getProperty("graft.shared");
    Path shared = prop != null ? Path.of(prop) : Path.of("..", "shared");
    return shared.resolve("models").toAbsolutePath().normalize();
  }

  /** A file under ../shared/models; skips the calling test when it is not there. */
  public static Path require(String relative) {
    Path file = root().resolve(relative);
    assumeTrue(
        Files.exists(file),
        () ->
            "skipped: "
                + file
                + " does not exist (../shared/models is only beside "
                + "the project on developers' machines and in CI)");
    return file;
  }
}
