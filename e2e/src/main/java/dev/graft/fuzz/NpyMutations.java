package dev.graft.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * .npy files and their mutations: headers a red team wrote (shapes whose element count overflows,
 * 2^32+1 rows with no data, duplicate keys, text after the dictionary, other dtypes and orders) and
 * random bytes. Seeds are written here: small float32 arrays of the shapes graft reads.
 */
final class NpyMutations {
  private NpyMutations() {}

  private static final List<String> HEADERS =
      List.of(
          "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967297, 784), }",
          "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647), }",
          "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427388688, 4), }",
          "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'shape': (4, 784), }",
          "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 784), } ; __import__('os')",
          "{'descr': '<f4', 'fortran_order': False, 'shape': (-4, -784), }",
          "{'descr': '|O', 'fortran_order': False, 'shape': (4, 784), }",
          "{'descr': '>f4', 'fortran_order': True, 'shape': (4, 784), }",
          "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 784), 'extra': 1, }",
          "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 784,, ), }",
          "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
          "{'descr': '<f4', 'fortran_order': False}");

  static List<byte[]> seeds() {
    return List.of(npy(new long[] {4, 784}), npy(new long[] {2, 28, 28, 1}), npy(new long[] {3}));
  }

  static byte[] mutate(byte[] original, Random rng) {
    if (rng.nextBoolean()) {
      return FuzzModels.mutateBytes(original, rng);
    }
    int headerLength = (original[8] & 0xff) | (original[9] & 0xff) << 8;
    byte[] data =
        Arrays.copyOfRange(original, Math.min(original.length, 10 + headerLength), original.length);
    if (rng.nextInt(4) == 0) {
      data = new byte[0];
    }
    return withHeader(HEADERS.get(rng.nextInt(HEADERS.size())), data);
  }

  private static byte[] npy(long[] shape) {
    StringBuilder dims = new StringBuilder();
    long count = 1;
    for (long d : shape) {
      dims.append(d).append(", ");
      count *= d;
    }
    String header =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims.toString().strip() + "), }";
    ByteBuffer values = ByteBuffer.allocate((int) count * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      values.putFloat(i * 0.001f);
    }
    return withHeader(header, values.array());
  }

  /** Version 1.0 framing: magic, version, header length, the header padded to 64 bytes. */
  private static byte[] withHeader(String header, byte[] data) {
    StringBuilder padded = new StringBuilder(header);
    while ((10 + padded.length() + 1) % 64 != 0) {
      padded.append(' ');
    }
    padded.append('\n');
    byte[] h = padded.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer out =
        ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.putShort((short) h.length).put(h).put(data);
    return out.array();
  }
}
