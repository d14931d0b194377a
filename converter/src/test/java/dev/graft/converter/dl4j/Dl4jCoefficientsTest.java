package dev.graft.converter.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.converter.Network;
import dev.graft.converter.SharedModels;
import dev.graft.converter.keras2.KerasH5Importer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DL4J zips whose parameter array lies about its size, layout or type: ND4J would allocate what the
 * header claims or read past its buffer in native code (a fuzzed zip killed the JVM that way);
 * graft refuses them by name before ND4J sees them, and still reads the zips it writes.
 */
class Dl4jCoefficientsTest {
  @TempDir Path tmp;
  private Path good;

  /**
   * Offsets in coefficients.bin as ND4J writes a rank-1 float vector (see the class under test).
   */
  private static final int SHAPE_LENGTH = 2 + 16;

  private static final int SHAPE_INFO = SHAPE_LENGTH + 8 + 2 + 4;

  @BeforeEach
  void writeAZip() {
    Network network =
        KerasH5Importer.importFile(
            SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5"));
    good = tmp.resolve("a.zip");
    Dl4jZip.write(network, good, null);
  }

  @Test
  void zipsGraftWritesAreRead() {
    assertEquals(8, Dl4jZip.read(good).outputSize());
  }

  @Test
  void lyingHeadersAreRefusedBeforeNd4jReadsThem() throws IOException {
    byte[] bin = coefficients();
    // the layout this test edits: MIXED_DATA_TYPES, 6 LONG entries [1, n, 1, extras, 1, 'c']
    ByteBuffer b = ByteBuffer.wrap(bin);
    assertEquals(6, b.getLong(SHAPE_LENGTH));
    assertEquals(1, b.getLong(SHAPE_INFO));
    long n = b.getLong(SHAPE_INFO + 8);

    refused(
        bytes -> ByteBuffer.wrap(bytes).putLong(SHAPE_INFO + 8, n * 4),
        "declares " + n * 4 + " values but its data " + n);
    refused(
        bytes -> ByteBuffer.wrap(bytes).putLong(SHAPE_INFO + 16, 1000),
        "is not a dense parameter vector");
    refused(
        bytes -> ByteBuffer.wrap(bytes).putLong(SHAPE_INFO + 24, 16384),
        "its shape says DOUBLE values, its data FLOAT");
    refused(
        bytes -> ByteBuffer.wrap(bytes).putLong(SHAPE_LENGTH, 1L << 40), "shape information has");
    refused(
        bytes -> ByteBuffer.wrap(bytes).putLong(SHAPE_INFO + 8, 1L << 40), "declares a dimension");
    int dataLength = SHAPE_INFO + 6 * 8 + 2 + "MIXED_DATA_TYPES".length();
    assertEquals(n, b.getLong(dataLength));
    refused(
        bytes -> ByteBuffer.wrap(bytes).putLong(dataLength, n + 1),
        "declares " + n + " values but its data " + (n + 1));
    refused(bytes -> ByteBuffer.wrap(bytes).put(SHAPE_LENGTH - 3, (byte) 'X'), "allocation mode");
    refusedBin(java.util.Arrays.copyOf(bin, bin.length - 4), "ends before");
    byte[] longer = java.util.Arrays.copyOf(bin, bin.length + 4);
    refusedBin(longer, "does not hold exactly");
  }

  private byte[] coefficients() throws IOException {
    try (ZipFile zip = new ZipFile(good.toFile())) {
      return zip.getInputStream(zip.getEntry("coefficients.bin")).readAllBytes();
    }
  }

  private void refused(Consumer<byte[]> edit, String fragment) throws IOException {
    byte[] bin = coefficients();
    edit.accept(bin);
    refusedBin(bin, fragment);
  }

  private void refusedBin(byte[] bin, String fragment) throws IOException {
    Path out = tmp.resolve("edited.zip");
    try (ZipFile in = new ZipFile(good.toFile());
        ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
      for (ZipEntry e : Collections.list(in.entries())) {
        zip.putNextEntry(new ZipEntry(e.getName()));
        zip.write(
            e.getName().equals("coefficients.bin") ? bin : in.getInputStream(e).readAllBytes());
        zip.closeEntry();
      }
    }
    GraftException e = assertThrows(GraftException.class, () -> Dl4jZip.read(out));
    assertEquals(GraftException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
