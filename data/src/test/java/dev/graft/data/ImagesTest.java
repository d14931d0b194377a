package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding, orientation, scaling and folder listing of the user's images. */
class ImagesTest {
  @TempDir Path tmp;

  /** A 3 x 2 image whose red channel numbers the pixels 1..6 row by row. */
  private static RgbImage numbered() {
    float[] rgb = new float[18];
    for (int i = 0; i < 6; i++) {
      rgb[3 * i] = i + 1;
    }
    return new RgbImage(3, 2, rgb);
  }

  private static float[] red(RgbImage im) {
    float[] r = new float[im.width() * im.height()];
    for (int i = 0; i < r.length; i++) {
      r[i] = im.rgb()[3 * i];
    }
    return r;
  }

  /**
   * EXIF orientations as PIL's ImageOps.exif_transpose applies them, on [[1 2 3] [4 5 6]]: 2
   * mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90
   * counter-clockwise.
   */
  @Test
  void exifOrientationsTurnTheImageUpright() {
    RgbImage im = numbered();
    assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, red(im.oriented(2)));
    assertArrayEquals(new float[] {6, 5, 4, 3, 2, 1}, red(im.oriented(3)));
    assertArrayEquals(new float[] {4, 5, 6, 1, 2, 3}, red(im.oriented(4)));
    assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, red(im.oriented(5)));
    assertArrayEquals(new float[] {4, 1, 5, 2, 6, 3}, red(im.oriented(6)));
    assertArrayEquals(new float[] {6, 3, 5, 2, 4, 1}, red(im.oriented(7)));
    assertArrayEquals(new float[] {3, 6, 2, 5, 1, 4}, red(im.oriented(8)));
    assertEquals(2, im.oriented(6).width());
  }

  /** keras.applications' preprocess_input modes on one pixel (10, 20, 30). */
  @Test
  void scalingModes() {
    RgbImage px = new RgbImage(1, 1, new float[] {10, 20, 30});
    assertArrayEquals(
        new float[] {10 / 255f, 20 / 255f, 30 / 255f},
        new Preprocessing("stretch", "unit", 1, 1, 3).apply(px),
        1e-6f);
    assertArrayEquals(
        new float[] {10 / 127.5f - 1, 20 / 127.5f - 1, 30 / 127.5f - 1},
        new Preprocessing("stretch", "tf", 1, 1, 3).apply(px),
        1e-6f);
    assertArrayEquals(
        new float[] {
          (float) ((10 / 255.0 - 0.485) / 0.229),
          (float) ((20 / 255.0 - 0.456) / 0.224),
          (float) ((30 / 255.0 - 0.406) / 0.225)
        },
        new Preprocessing("stretch", "torch", 1, 1, 3).apply(px),
        1e-6f);
    // caffe: BGR order, ImageNet means subtracted
    assertArrayEquals(
        new float[] {30 - 103.939f, 20 - 116.779f, 10 - 123.68f},
        new Preprocessing("stretch", "caffe", 1, 1, 3).apply(px),
        1e-4f);
    // grey models: PIL's convert("L") luma
    assertArrayEquals(
        new float[] {(float) ((10 * 0.299 + 20 * 0.587 + 30 * 0.114) / 255)},
        new Preprocessing("stretch", "unit", 1, 1, 1).apply(px),
        1e-6f);
  }

  /** TensorFlow's half-pixel bilinear: 2x upscaling of [0, 100] gives 0, 25, 75, 100. */
  @Test
  void bilinearIsTensorFlows() {
    RgbImage row = new RgbImage(2, 1, new float[] {0, 0, 0, 100, 100, 100});
    float[] out = red(Resampler.bilinear(row, 4, 1));
    assertArrayEquals(new float[] {0, 25, 75, 100}, out, 1e-5f);
  }

  @Test
  void foldersSkipHiddenFilesAndNonImagesAndSortByPath() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("in"));
    BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    ImageIO.write(img, "png", dir.resolve("b.png").toFile());
    ImageIO.write(img, "bmp", dir.resolve("a.jpg").toFile()); // a BMP named .jpg: read by content
    Files.writeString(dir.resolve("readme.txt"), "hello");
    ImageIO.write(img, "png", dir.resolve(".hidden.png").toFile());
    ImageFiles files = ImageFiles.collect(dir);
    assertEquals(2, files.files().size());
    assertEquals("a.jpg", files.files().get(0).getFileName().toString());
    assertEquals(2, files.skipped());
    assertEquals(4, ImageDecoder.read(files.files().get(0)).width());
  }

  /** A PNG that declares 50000 x 50000 pixels is refused before any pixel is decoded. */
  @Test
  void absurdDimensionsAreRefusedBeforeDecoding() throws Exception {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(png);
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    byte[] ihdr = {
      'I', 'H', 'D', 'R', 0, 0, (byte) 0xc3, 0x50, 0, 0, (byte) 0xc3, 0x50, 8, 2, 0, 0, 0
    };
    out.writeInt(13);
    out.write(ihdr);
    CRC32 crc = new CRC32();
    crc.update(ihdr);
    out.writeInt((int) crc.getValue());
    Path bomb = tmp.resolve("bomb.png");
    Files.write(bomb, png.toByteArray());
    GraftException e = assertThrows(GraftException.class, () -> ImageDecoder.read(bomb));
    assertTrue(e.getMessage().contains("50000x50000"), e.getMessage());
    assertTrue(e.getMessage().contains("refused before decoding"), e.getMessage());
  }

  /**
   * An image cut short decodes without an exception, its missing rows grey: the JPEG reader only
   * warns. PIL refuses such files ("image file is truncated"), and so does graft, naming the file.
   */
  @Test
  void truncatedJpegAndPngFilesAreRefused(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    java.awt.image.BufferedImage gradient =
        new java.awt.image.BufferedImage(96, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 96; x++) {
        gradient.setRGB(x, y, (x * 2) << 16 | (y * 3) << 8 | ((x * y) & 0xff));
      }
    }
    for (String format : new String[] {"jpg", "png"}) {
      Path whole = tmp.resolve("whole." + format);
      javax.imageio.ImageIO.write(gradient, format.equals("jpg") ? "jpeg" : "png", whole.toFile());
      assertEquals(96, ImageDecoder.read(whole).width(), "the whole image reads");
      byte[] bytes = java.nio.file.Files.readAllBytes(whole);
      Path cut = tmp.resolve("cut." + format);
      java.nio.file.Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
      GraftException e = assertThrows(GraftException.class, () -> ImageDecoder.read(cut));
      assertTrue(
          e.getMessage().contains("cut." + format) && e.getMessage().contains("truncated"),
          e.getMessage());
    }
  }
}
