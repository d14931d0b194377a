package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streaming decode: order, the bound on decoding ahead, bad images, and content digests. */
class ImageBatchesTest {
  @TempDir Path tmp;

  private static final Preprocessing UNIT = new Preprocessing("stretch", "unit", 2, 2, 1);

  /** A 2 x 2 grey (R = G = B) PNG whose every pixel is {@code value}. */
  private Path grey(String name, int value) throws Exception {
    BufferedImage im = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 2; x++) {
        im.setRGB(x, y, value * 0x010101);
      }
    }
    Path file = tmp.resolve(name);
    ImageIO.write(im, "png", file.toFile());
    return file;
  }

  private List<Path> files(int n) {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      files.add(tmp.resolve(String.format("%03d.png", i)));
    }
    return files;
  }

  @Test
  void batchesComeInFileOrderAndDecodeAtMostAheadBatchesAhead() throws Exception {
    int batch = 4;
    int window = batch * (ImageBatches.AHEAD + 1);
    List<Path> files = files(23);
    for (int i = 0; i < window; i++) {
      grey(files.get(i).getFileName().toString(), 10 * i);
    }
    List<Float> seen = new ArrayList<>();
    List<Integer> rows = new ArrayList<>();
    int[] leftOut =
        ImageBatches.forEach(
            files,
            UNIT,
            batch,
            false,
            b -> {
              if (seen.isEmpty()) {
                // the rest exist only once the first batch is taken: had the pool read one of
                // them earlier, it would have failed on a missing file
                for (int i = window; i < files.size(); i++) {
                  try {
                    grey(files.get(i).getFileName().toString(), 10 * i);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              }
              rows.add(b.rows());
              for (int r = 0; r < b.rows(); r++) {
                assertEquals(seen.size(), b.files()[r]);
                seen.add(b.features()[r * 4] * 255f);
              }
            });
    assertEquals(0, leftOut.length);
    assertEquals(List.of(4, 4, 4, 4, 4, 3), rows);
    for (int i = 0; i < 23; i++) {
      assertEquals(10f * i, seen.get(i), 1e-3f, "image " + i);
    }
  }

  @Test
  void badImagesAreNamedOrLeftOutAndConsumerErrorsPropagate() throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      files.add(grey(i + ".png", i));
    }
    Files.write(files.get(5), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    GraftException e =
        assertThrows(
            GraftException.class, () -> ImageBatches.forEach(files, UNIT, 3, false, b -> {}));
    assertEquals(GraftException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("5.png"), e.getMessage());

    List<int[]> kept = new ArrayList<>();
    int[] leftOut = ImageBatches.forEach(files, UNIT, 3, true, b -> kept.add(b.files()));
    assertArrayEquals(new int[] {5}, leftOut);
    assertArrayEquals(new int[] {3, 4}, kept.get(1));
    assertArrayEquals(new int[] {6}, kept.get(2));

    IllegalStateException stop = new IllegalStateException("consumer failed");
    assertSame(
        stop,
        assertThrows(
            IllegalStateException.class,
            () ->
                ImageBatches.forEach(
                    files,
                    UNIT,
                    2,
                    true,
                    b -> {
                      throw stop;
                    })));
  }

  @Test
  void digestsFollowContentAndOrderNotPaths() throws Exception {
    Path a = grey("a.png", 1);
    Path b = grey("b.png", 2);
    Path copy = tmp.resolve("sub");
    Files.createDirectories(copy);
    Path a2 = Files.copy(a, copy.resolve("renamed.png"));
    String digest = FileDigests.of(List.of(a, b));
    assertEquals(64, digest.length());
    assertEquals(digest, FileDigests.of(List.of(a2, b)), "same bytes under another name");
    assertNotEquals(digest, FileDigests.of(List.of(b, a)), "order is part of the data");
    grey("b.png", 3);
    assertNotEquals(digest, FileDigests.of(List.of(a, b)), "an edited image");
    assertEquals(
        FileDigests.of(List.of(tmp.resolve("missing1"))),
        FileDigests.of(List.of(tmp.resolve("missing2"))),
        "unreadable files count as one marker, not as an error");
  }
}
