package dev.graft.converter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.BoundedInflation;
import dev.graft.GraftException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entry size limits: an entry at the limit reads, one byte more is refused; an entry that inflates
 * past the size its directory declares, or at a zip bomb's ratio, is refused before it is read.
 */
class SafeZipTest {
  @TempDir Path tmp;

  private Path zip(String name, int bytes) throws IOException {
    Path file = tmp.resolve(name);
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(
          new ZipEntry("w.h5")); // deflated, size in a data descriptor: not declared up front
      z.write(new byte[bytes]);
      z.closeEntry();
    }
    return file;
  }

  @Test
  void entriesPastTheirLimitAreRefusedWhileInflating() throws IOException {
    Path atLimit = zip("a.zip", 1000);
    assertArrayEquals(
        new byte[1000],
        SafeZip.read(atLimit, "test archive", Map.of("w.h5", 1000L), false).get("w.h5"));
    Path over = zip("b.zip", 1001);
    GraftException e =
        assertThrows(
            GraftException.class,
            () -> SafeZip.read(over, "test archive", Map.of("w.h5", 1000L), false));
    assertTrue(e.getMessage().contains("inflates to more than 1000 bytes"), e.getMessage());
  }

  /** A zip whose central directory says w.h5 inflates to {@code declared} bytes. */
  private Path lyingZip(int bytes, int declared) throws IOException {
    byte[] zip = Files.readAllBytes(zip("lying.zip", bytes));
    ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = zip.length - 22; i >= 0; i--) {
      if (buffer.getInt(i) == 0x02014b50) { // central directory header: uncompressed size at +24
        buffer.putInt(i + 24, declared);
        return Files.write(tmp.resolve("lying.zip"), zip);
      }
    }
    throw new AssertionError("no central directory header");
  }

  @Test
  void aDeclaredSizeIsAllThatIsRead() throws IOException {
    Path honest = lyingZip(5000, 5000);
    assertArrayEquals(
        new byte[5000],
        SafeZip.read(honest, "test archive", Map.of("w.h5", 1L << 30), false).get("w.h5"));
    Path lying = lyingZip(5000, 100);
    GraftException e =
        assertThrows(
            GraftException.class,
            () -> SafeZip.read(lying, "test archive", Map.of("w.h5", 1L << 30), false));
    assertTrue(e.getMessage().contains("inflates past the 100 bytes it declares"), e.getMessage());
  }

  @Test
  void zipBombRatiosAreRefusedWhileInflating() throws IOException {
    int size = (int) BoundedInflation.RATIO_FROM + (1 << 20);
    Path bomb = zip("bomb.zip", size);
    assertTrue(Files.size(bomb) * BoundedInflation.MAX_RATIO < size, "the test zip is a bomb");
    GraftException e =
        assertThrows(
            GraftException.class,
            () -> SafeZip.read(bomb, "test archive", Map.of("w.h5", 1L << 30), false));
    assertTrue(e.getMessage().contains("a zip bomb"), e.getMessage());
  }
}
