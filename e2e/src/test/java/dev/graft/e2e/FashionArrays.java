package dev.graft.e2e;

import dev.graft.trainer.data.FashionMnist;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Fashion-MNIST as the arrays users bring, written by NumPy (scripts/make_fashion_arrays.py) once
 * per test JVM into a folder removed when it exits: shirt_sandal.npz (Keras's x_train, y_train,
 * x_test, y_test), eight_classes.npz, shirt_sandal.csv and .npy files. Skipped (JUnit assumption)
 * where Fashion-MNIST is not installed.
 */
final class FashionArrays {
  private static Path dir;

  private FashionArrays() {}

  static synchronized Path dir() throws Exception {
    ChapterReuseTest.requireData();
    if (dir == null) {
      Path made = Files.createTempDirectory("graft-fashion-arrays");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(made)));
      Scripts.run("make_fashion_arrays.py", FashionMnist.locate(null).toString(), made.toString());
      dir = made;
    }
    return dir;
  }

  private static void delete(Path folder) {
    try (Stream<Path> all = Files.walk(folder)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
