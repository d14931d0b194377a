package dev.graft.converter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entry size limits: an entry at the limit reads, one byte more is refused. */
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
}
