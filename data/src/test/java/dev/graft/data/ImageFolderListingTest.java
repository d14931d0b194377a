package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listing of relative paths (what Hadoop's file systems give Spark) lays out into the same
 * classes, splits and seeded validation part as scanning the folder itself.
 */
class ImageFolderListingTest {
  @TempDir Path tmp;

  @Test
  void aFlatFolderAndOneWithSplitsListAsTheyScan() throws Exception {
    Path flat = tmp.resolve("flat");
    for (String c : List.of("zebra", "Ant", "cat")) {
      for (int i = 0; i < 7; i++) {
        png(flat.resolve(c).resolve("n" + i + ".png"));
      }
    }
    png(flat.resolve("cat/deeper/x.png"));
    assertSame(flat);
    Path split = tmp.resolve("split");
    for (String s : List.of("train", "val", "test")) {
      for (String c : List.of("b", "a")) {
        for (int i = 0; i < 3; i++) {
          png(split.resolve(s).resolve(c).resolve(i + ".png"));
        }
      }
    }
    assertSame(split);
    Path noVal = tmp.resolve("noval");
    for (String c : List.of("b", "a")) {
      for (int i = 0; i < 9; i++) {
        png(noVal.resolve("train").resolve(c).resolve(i + ".png"));
      }
    }
    assertSame(noVal);
  }

  private static void assertSame(Path dir) throws Exception {
    ImageFolder scanned = ImageFolder.scan(dir, 0.3, 7);
    List<String> relative = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(Files::isRegularFile).forEach(p -> relative.add(dir.relativize(p).toString()));
    }
    ImageFolder listed = ImageFolder.fromListing(relative, 0, 0.3, 7);
    assertEquals(scanned.classes(), listed.classes());
    assertSplit(dir, scanned.train(), listed.train());
    assertSplit(dir, scanned.valid(), listed.valid());
    if (scanned.test() != null) {
      assertSplit(dir, scanned.test(), listed.test());
    } else {
      assertEquals(null, listed.test());
    }
  }

  private static void assertSplit(Path dir, ImageFolder.Split scanned, ImageFolder.Split listed) {
    assertEquals(scanned.files().stream().map(dir::relativize).toList(), listed.files());
    assertArrayEquals(scanned.labels(), listed.labels());
  }

  private static void png(Path p) throws Exception {
    Files.createDirectories(p.getParent());
    ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", p.toFile());
  }
}
