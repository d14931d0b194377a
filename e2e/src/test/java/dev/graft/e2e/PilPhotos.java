package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Photos prepared by PIL as Teachable Machine's export snippet does (scripts/tm_images.py): the
 * independent reference for graft's image pipeline and for Teachable Machine models on real photos.
 *
 * @param pixels the .npy of all photos, [n, 224, 224, 3], sorted by class folder then file name
 * @param classes the class folder of each photo, one per line
 */
record PilPhotos(Path pixels, Path classes) {
  private static final Path SCRIPT =
      Path.of("..", "scripts", "tm_images.py").toAbsolutePath().normalize();

  /** Runs the script on {@code images} (one folder per class); skips without python3-pil. */
  static PilPhotos prepare(Path images, Path tmp) throws Exception {
    return prepare(images, tmp, "224", "tf", "nhwc");
  }

  /**
   * As above at another square {@code size}, with {@code scale} (tf or unit) and {@code layout}
   * (nhwc or nchw).
   */
  static PilPhotos prepare(Path images, Path tmp, String size, String scale, String layout)
      throws Exception {
    Path python = Path.of("/usr/bin/python3");
    Assumptions.assumeTrue(
        Files.exists(python) && KerasWriterTest.run(python, "-c", "import PIL") == 0,
        "skipped: Debian's python3-pil is not installed");
    PilPhotos out = new PilPhotos(tmp.resolve("pil.npy"), tmp.resolve("classes.txt"));
    assertEquals(
        0,
        KerasWriterTest.run(
            python,
            SCRIPT.toString(),
            images.toString(),
            out.pixels().toString(),
            out.classes().toString(),
            size,
            scale,
            layout),
        "tm_images.py failed");
    return out;
  }
}
