package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fixtures written by NumPy itself (scripts/make_npy_fixtures.py). */
class NpyTest {
  @TempDir Path tmp;

  static Path fixture(String name) {
    return Path.of("src", "test", "resources", "npy", name);
  }

  @Test
  void readsNumpyFloat32AndFloat64() {
    Npy.Array a = Npy.read(fixture("f32_3x4.npy"));
    assertArrayEquals(new long[] {3, 4}, a.shape());
    for (int i = 0; i < 12; i++) {
      assertEquals(i / 8f, a.data()[i]);
    }
    Npy.Array b = Npy.read(fixture("f64_2x3x2.npy"));
    assertArrayEquals(new long[] {2, 3, 2}, b.shape());
    assertEquals(-5.5f, b.data()[0]);
    assertEquals(5.5f, b.data()[11]);
    assertArrayEquals(new float[] {1.5f, -2.25f, 3f}, Npy.read(fixture("f32_vector.npy")).data());
  }

  @Test
  void writesWhatItReads() {
    Path out = tmp.resolve("y.npy");
    Npy.write(out, new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3});
    Npy.Array back = Npy.read(out);
    assertArrayEquals(new long[] {2, 3}, back.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, back.data());
  }

  @Test
  void readsNumpyIntegersAndBooleansAsFloats() {
    Npy.Array ints = Npy.read(fixture("int32.npy"));
    assertArrayEquals(new float[] {0, 1, 2}, ints.data());
    assertTrue(ints.integers());
    Npy.Array pixels = Npy.read(fixture("u8_2x2x2.npy"));
    assertArrayEquals(new long[] {2, 2, 2}, pixels.shape());
    assertArrayEquals(new float[] {0, 1, 127, 128, 200, 254, 255, 7}, pixels.data());
    assertArrayEquals(new float[] {3, 0, -1, 0x1p40f}, Npy.read(fixture("i64_labels.npy")).data());
    assertArrayEquals(new float[] {1, 0, 1}, Npy.read(fixture("bool.npy")).data());
    assertTrue(!Npy.read(fixture("f32_3x4.npy")).integers());
  }

  @Test
  void refusesWhatItCannotRead() throws IOException {
    GraftException dtype =
        assertThrows(GraftException.class, () -> Npy.read(fixture("big_endian.npy")));
    assertTrue(dtype.getMessage().contains(">f4"), dtype.getMessage());
    GraftException strings =
        assertThrows(GraftException.class, () -> Npy.read(fixture("strings.npy")));
    assertTrue(strings.getMessage().contains("<U3"), strings.getMessage());
    assertThrows(GraftException.class, () -> Npy.read(fixture("f32_fortran.npy")));
    byte[] good = Files.readAllBytes(fixture("f32_3x4.npy"));
    Path cut = tmp.resolve("cut.npy");
    Files.write(cut, java.util.Arrays.copyOf(good, good.length - 4));
    GraftException e = assertThrows(GraftException.class, () -> Npy.read(cut));
    assertTrue(e.getMessage().contains("cut.npy"), e.getMessage());
    Path junk = Files.writeString(tmp.resolve("junk.npy"), "hello");
    assertThrows(GraftException.class, () -> Npy.read(junk));
  }

  /** A version 1.0 .npy file with this header text (padded and ended as NumPy does) and data. */
  private Path npy(String name, String header, int dataBytes) throws IOException {
    String padded = header + " ".repeat((64 - (10 + header.length() + 1) % 64) % 64) + "\n";
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(10 + padded.length() + dataBytes)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.put((byte) 1).put((byte) 0).putShort((short) padded.length());
    b.put(padded.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    return Files.write(tmp.resolve(name), b.array());
  }

  /**
   * Crafted headers, each refused with a one-line error naming the file; the control with the same
   * layout, NumPy's own spelling, is read. (2^62 + 49) * 16 overflows to exactly 784.
   */
  @Test
  void headersAreParsedStrictly() throws IOException {
    String ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 784), }";
    assertArrayEquals(new long[] {1, 784}, Npy.read(npy("ok.npy", ok, 784 * 4)).shape());
    String[][] bad = {
      {
        "overflow.npy",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387953, 16), }"
      },
      {
        "int-overflow.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648, 784), }"
      },
      {"no-data.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967297,), }"},
      {
        "duplicate.npy",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 784), 'shape': (784,), }"
      },
      {
        "after.npy",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 784), } __import__('os')"
      },
      {"extra-key.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 784), 'x': 1, }"},
      {"negative.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 784), }"},
      {"not-a-dict.npy", "['descr', '<f4']"}
    };
    for (String[] c : bad) {
      Path file = npy(c[0], c[1], 784 * 4);
      GraftException e = assertThrows(GraftException.class, () -> Npy.read(file), c[0]);
      assertTrue(e.getMessage().contains(c[0]), e.getMessage());
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
  }
}
