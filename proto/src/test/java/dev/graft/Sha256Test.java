package dev.graft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FIPS 180-2's test vector, "abc", by bytes, stream and file; and a stream longer than a read. */
class Sha256Test {
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @TempDir Path tmp;

  @Test
  void abcHashesToTheStandardsVector() throws Exception {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    assertEquals(ABC, Sha256.hex(abc));
    assertEquals(ABC, Sha256.hex(new ByteArrayInputStream(abc)));
    Path file = tmp.resolve("abc.txt");
    Files.write(file, abc);
    assertEquals(ABC, Sha256.hex(file));
  }

  @Test
  void aStreamLongerThanOneReadHashesAsItsBytes() throws Exception {
    byte[] big = new byte[200_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    assertEquals(Sha256.hex(big), Sha256.hex(new ByteArrayInputStream(big)));
  }
}
