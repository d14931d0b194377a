package dev.graft.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle for counts is Fashion-MNIST itself: 6,000 training and 1,000 test images per class.
 */
class TaskDataTest {
  @TempDir Path tmp;

  static FashionMnist data() {
    try {
      return FashionMnist.load(null);
    } catch (GraftException e) {
      org.junit.jupiter.api.Assumptions.abort("skipped: " + e.getMessage());
      return null;
    }
  }

  @Test
  void chapterSplits() {
    FashionMnist mnist = data();
    assertEquals(60_000, mnist.train().size());
    assertEquals(10_000, mnist.test().size());
    TaskData a = TaskData.of(mnist, Task.preset("all-but-sandal-shirt"));
    assertEquals(8_000, a.test().size());
    TaskData b = TaskData.of(mnist, Task.preset("shirt-vs-sandal"));
    assertEquals(2_000, b.test().size());
    assertEquals(200, b.train().size());
    // Validation is the first 5,000 training images: A and B together hold all of them.
    assertEquals(5_000, a.valid().size() + b.valid().size());
    assertEquals(
        55_000,
        a.train().size()
            + TaskData.of(mnist, Task.preset("shirt-vs-sandal").withTrainLimit(0)).train().size());
    // The book's A training set has 43,986 images.
    assertEquals(43_986, a.train().size());
    // Binary labels: shirt (6) is 1, sandal (5) is 0, 1,000 each in the test set.
    assertEquals(1_000, java.util.Arrays.stream(b.test().labels()).sum());
  }

  @Test
  void excludeRenumbersInOrder() {
    Task t = Task.exclude("x", List.of(5, 6), 0);
    assertEquals(List.of(0, 1, 2, 3, 4, 7, 8, 9), t.classes());
    assertEquals(5, t.label(7));
    assertEquals(7, t.label(9));
    assertEquals(-1, t.label(6));
    assertEquals(8, t.outputs());
    Task third = Task.preset("pullover-vs-tshirt");
    assertEquals(1, third.label(2));
    assertEquals(0, third.label(0));
    assertEquals(List.of("T-shirt/top", "Pullover"), third.labelNames());
  }

  @Test
  void badTasksAreUsageErrors() {
    assertThrows(GraftException.class, () -> new Task("t", List.of(5, 6, 7), 6, 0));
    assertThrows(GraftException.class, () -> new Task("t", List.of(5, 12), null, 0));
    GraftException e = assertThrows(GraftException.class, () -> Task.preset("nope"));
    assertTrue(e.getMessage().contains("shirt-vs-sandal"), e.getMessage());
  }

  @Test
  void missingDataNamesThePlacesAndThePackage() {
    GraftException e = assertThrows(GraftException.class, () -> FashionMnist.load(tmp));
    assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
    assertEquals(GraftException.Kind.BAD_INPUT, e.kind());
  }

  @Test
  void truncatedIdxIsAClearError() throws IOException {
    FashionMnist mnist = data();
    for (String name :
        new String[] {
          "train-images-idx3-ubyte",
          "train-labels-idx1-ubyte",
          "t10k-images-idx3-ubyte",
          "t10k-labels-idx1-ubyte"
        }) {
      Path src = mnist.folder().resolve(name + ".gz");
      Files.copy(
          Files.exists(src) ? src : mnist.folder().resolve(name), tmp.resolve(src.getFileName()));
    }
    Path labels = tmp.resolve("t10k-labels-idx1-ubyte.gz");
    byte[] raw = Files.readAllBytes(labels);
    Files.write(labels, java.util.Arrays.copyOf(raw, raw.length / 2));
    GraftException e = assertThrows(GraftException.class, () -> FashionMnist.load(tmp));
    assertTrue(e.getMessage().contains("t10k-labels"), e.getMessage());
  }

  @Test
  void pixelsAreScaledLikeTheChapter() {
    FashionMnist mnist = data();
    float max = 0;
    for (float p : mnist.test().pixels()) {
      assertTrue(p >= 0 && p <= 1);
      max = Math.max(max, p);
    }
    assertEquals(1f, max);
    assertArrayEquals(new int[] {28, 28}, new int[] {mnist.test().rows(), mnist.test().cols()});
  }
}
