package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * Labelled arrays from files NumPy wrote (scripts/make_npy_fixtures.py): .npz with x/y, Keras's
 * x_train/y_train/x_test/y_test (uint8), one-hot labels, a pair of .npy files; and CSV files.
 */
class ArrayDataTest {
  @TempDir Path tmp;

  private static String fixture(String name) {
    return NpyTest.fixture(name).toString();
  }

  @Test
  void npzWithXAndY() {
    ArrayData d = ArrayData.load(fixture("xy.npz"), null);
    assertNull(d.test());
    assertEquals(6, d.train().size());
    assertArrayEquals(new long[] {4}, d.train().exampleShape());
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, d.train().labels());
    assertEquals(List.of("0", "1", "2"), d.train().classNames());
    assertFalse(d.train().integerFeatures());
  }

  @Test
  void kerasStyleSplitsWithUint8PixelsAreNumPysValues() {
    ArrayData floats = ArrayData.load(fixture("xy.npz"), null);
    ArrayData d = ArrayData.load(fixture("keras_split.npz"), null);
    assertTrue(d.train().integerFeatures());
    assertArrayEquals(new int[] {1, 0, 1, 0, 1, 0}, d.train().labels());
    assertArrayEquals(new int[] {0, 1}, d.test().labels());
    // the script stored (x * 255).astype(uint8) of xy.npz's x
    float[] x = floats.train().features();
    for (int i = 0; i < x.length; i++) {
      assertEquals((float) Math.floor(x[i] * 255f), d.train().features()[i], 1.0f, "value " + i);
    }
    assertEquals(8, d.test().features().length);
  }

  @Test
  void oneHotLabelsAndNpyPairs() throws IOException {
    assertArrayEquals(
        new int[] {0, 1, 2, 0, 1, 2}, ArrayData.load(fixture("onehot.npz"), null).train().labels());
    Path x = tmp.resolve("x.npy");
    Npy.write(x, new float[] {1, 2, 3, 4, 5, 6}, new long[] {3, 2});
    Path y = tmp.resolve("y.npy");
    Npy.write(y, new float[] {1, 0, 1}, new long[] {3});
    ArrayData d = ArrayData.load(x + "," + y, null);
    assertArrayEquals(new int[] {1, 0, 1}, d.train().labels());
    assertArrayEquals(new float[] {3, 4}, d.train().pick(new int[] {1}).features());
  }

  @Test
  void csvWithNamedClassesSortedAsFolders() throws IOException {
    Path csv =
        Files.writeString(
            tmp.resolve("t.csv"),
            "\uFEFFlength,\"width\",species\n1.5,2,setosa\n3,4.25,virginica\n-1e-3, 7 ,setosa\n");
    LabelledArrays a = ArrayData.load(csv.toString(), "Species").train();
    assertEquals(List.of("setosa", "virginica"), a.classNames());
    assertArrayEquals(new int[] {0, 1, 0}, a.labels());
    assertArrayEquals(new float[] {1.5f, 2, 3, 4.25f, -1e-3f, 7}, a.features());
    assertArrayEquals(new long[] {2}, a.exampleShape());
  }

  @Test
  void badDataIsRefusedNamingWhere() throws IOException {
    refused(csv("a,label\n1,0\n2\n"), null, "line 3 has 1 columns");
    refused(csv("a,label\n1,0\nnan,1\n"), null, "line 3, column 'a'");
    refused(csv("a,b\n1,0\n"), null, "no column named 'label'");
    refused(csv("a,label\n"), null, "no rows");
    Path x = tmp.resolve("x.npy");
    Npy.write(x, new float[] {1, 2, 3, 4}, new long[] {2, 2});
    Path y3 = tmp.resolve("y3.npy");
    Npy.write(y3, new float[] {0, 1, 1}, new long[] {3});
    refused(x + "," + y3, null, "x holds 2 examples but y has shape [3]");
    Path half = tmp.resolve("half.npy");
    Npy.write(half, new float[] {0, 0.5f}, new long[] {2});
    refused(x + "," + half, null, "not a class index");
    Path inf = tmp.resolve("inf.npy");
    Npy.write(inf, new float[] {1, Float.POSITIVE_INFINITY, 3, 4}, new long[] {2, 2});
    Path y2 = tmp.resolve("y2.npy");
    Npy.write(y2, new float[] {0, 1}, new long[] {2});
    refused(inf + "," + y2, null, "example 0 holds Infinity");
    refused(fixture("f32_3x4.npy"), null, "as a pair");
    refused(fixture("xy.npz"), "species", "labelColumn names a CSV column");
  }

  private String csv(String text) throws IOException {
    return Files.writeString(tmp.resolve("bad" + text.hashCode() + ".csv"), text).toString();
  }

  private static void refused(String spec, String label, String fragment) {
    GraftException e = assertThrows(GraftException.class, () -> ArrayData.load(spec, label));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  /** An .npz whose x.npy inflates from a few hundred KiB to 64 MiB of zeros: refused inflating. */
  @Test
  void npzBombsAreRefusedWhileInflating() throws IOException {
    Path bomb = tmp.resolve("bomb.npz");
    byte[] header =
        java.util.Arrays.copyOf(Files.readAllBytes(NpyTest.fixture("f32_3x4.npy")), 128);
    try (java.util.zip.ZipOutputStream z =
        new java.util.zip.ZipOutputStream(Files.newOutputStream(bomb))) {
      z.putNextEntry(new java.util.zip.ZipEntry("x.npy"));
      z.write(header);
      z.write(new byte[64 << 20]);
      z.closeEntry();
    }
    assertTrue(Files.size(bomb) < (1 << 20), "a bomb: " + Files.size(bomb));
    refused(bomb.toString(), null, "times its compressed size");
  }
}
