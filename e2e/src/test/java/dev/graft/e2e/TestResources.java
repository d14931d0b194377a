package dev.graft.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test resources copied into a test's folder (readers take files, and some look beside them). */
final class TestResources {
  private TestResources() {}

  /** {@code /folder/name} from the class path as {@code dir/name}; copied once. */
  static Path copy(Path dir, String folder, String name) throws IOException {
    Path target = dir.resolve(name);
    if (Files.exists(target)) {
      return target;
    }
    Files.createDirectories(dir);
    try (InputStream in = TestResources.class.getResourceAsStream("/" + folder + "/" + name)) {
      if (in == null) {
        throw new IOException("test resource /" + folder + "/" + name + " missing");
      }
      Files.copy(in, target);
    }
    return target;
  }
}
