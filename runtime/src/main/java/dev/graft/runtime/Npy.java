package dev.graft.runtime;

import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * NumPy's .npy format (version 1 and 2), float32 or float64, C order: the way `graft predict`
 * exchanges arrays with Python and other tools. Values are read as float32.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final long MAX_BYTES = 1L << 31;

  /** An array: values in C order and its shape. */
  public record Array(float[] data, long[] shape) {}

  private Npy() {}

  public static Array read(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw GraftException.badInput(file + ": larger than 2 GiB");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw GraftException.badInput(file + ": cannot read: " + e.getMessage(), e);
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (byte b : MAGIC) {
      if (!buf.hasRemaining() || buf.get() != b) {
        throw GraftException.badInput(file + ": not a .npy file");
      }
    }
    if (buf.remaining() < 4) {
      throw GraftException.badInput(file + ": truncated .npy header");
    }
    int major = buf.get();
    buf.get();
    if (major < 1 || major > 3) {
      throw GraftException.unsupported(file + ": .npy format version " + major + " (1 to 3 known)");
    }
    long headerLength =
        major == 1 ? Short.toUnsignedInt(buf.getShort()) : Integer.toUnsignedLong(buf.getInt());
    if (headerLength > buf.remaining()) {
      throw GraftException.badInput(file + ": truncated .npy header");
    }
    String header =
        new String(bytes, buf.position(), (int) headerLength, StandardCharsets.ISO_8859_1);
    buf.position(buf.position() + (int) headerLength);
    NpyHeader parsed = NpyHeader.parse(header, file);
    String descr = parsed.descr();
    if (parsed.fortranOrder()) {
      throw GraftException.unsupported(
          file + ": Fortran-ordered arrays are not supported; save with C order");
    }
    long[] shape = parsed.shape();
    long count = parsed.count();
    int width =
        switch (descr) {
          case "<f4", "=f4" -> 4;
          case "<f8", "=f8" -> 8;
          default ->
              throw GraftException.unsupported(
                  file + ": dtype " + descr + " is not supported (float32 or float64)");
        };
    if (count > buf.remaining() / width || count * width != buf.remaining()) {
      throw GraftException.badInput(
          file
              + ": header says "
              + count
              + " values of "
              + width
              + " bytes, file holds "
              + buf.remaining()
              + " bytes");
    }
    float[] data = new float[(int) count];
    for (int i = 0; i < count; i++) {
      data[i] = width == 4 ? buf.getFloat() : (float) buf.getDouble();
    }
    return new Array(data, shape);
  }

  /** Writes float32, C order, atomically. */
  public static void write(Path file, float[] data, long[] shape) {
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      dims.append(d).append(", ");
    }
    String tuple =
        shape.length == 1
            ? "(" + shape[0] + ",)"
            : "(" + dims.substring(0, Math.max(0, dims.length() - 2)) + ")";
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }";
    int total = MAGIC.length + 4 + header.length() + 1;
    int pad = (64 - total % 64) % 64;
    header = header + " ".repeat(pad) + "\n";
    ByteBuffer buf =
        ByteBuffer.allocate(MAGIC.length + 4 + header.length() + data.length * 4)
            .order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
    buf.asFloatBuffer().put(data);
    AtomicWrite.writeBytes(file, buf.array());
  }
}
