package dev.graft.runtime;

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
  void refusesWhatItCannotRead() throws IOException {
    GraftException dtype = assertThrows(GraftException.class, () -> Npy.read(fixture("int32.npy")));
    assertTrue(dtype.getMessage().contains("<i4"), dtype.getMessage());
    assertThrows(GraftException.class, () -> Npy.read(fixture("f32_fortran.npy")));
    byte[] good = Files.readAllBytes(fixture("f32_3x4.npy"));
    Path cut = tmp.resolve("cut.npy");
    Files.write(cut, java.util.Arrays.copyOf(good, good.length - 4));
    GraftException e = assertThrows(GraftException.class, () -> Npy.read(cut));
    assertTrue(e.getMessage().contains("cut.npy"), e.getMessage());
    Path junk = Files.writeString(tmp.resolve("junk.npy"), "hello");
    assertThrows(GraftException.class, () -> Npy.read(junk));
  }
}
