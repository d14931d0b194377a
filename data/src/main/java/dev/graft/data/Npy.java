package dev.graft.data;

import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * NumPy's .npy format (versions 1 to 3), C order: the way graft exchanges arrays with Python and
 * other tools (predict's inputs and outputs, labelled arrays to fine-tune on). Values are read as
 * float32; graft writes float32.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final long MAX_BYTES = 1L << 31;

  /**
   * An array: values in C order, its shape, and whether the file stored floats or integers
   * ("float", "integer"; labels and uint8 pixels are integers).
   */
  public record Array(float[] data, long[] shape, String kind) {
    public Array(float[] data, long[] shape) {
      this(data, shape, "float");
    }

    public boolean integers() {
      return kind.equals("integer");
    }
  }

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
    return parse(bytes, file);
  }

  /**
   * An array from a .npy file's bytes ({@code label} names it in messages: a file, or an entry of a
   * .npz archive). Floats (32 and 64 bit), integers of 8 to 64 bits and booleans, little-endian or
   * single-byte, C order; values are returned as float32 (integer labels up to 2^24 exactly).
   */
  public static Array parse(byte[] bytes, Path file) {
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
    String type =
        descr.length() == 3 && "<=|".indexOf(descr.charAt(0)) >= 0 ? descr.substring(1) : "";
    int width =
        switch (type) {
          case "f4", "i4", "u4" -> 4;
          case "f8", "i8", "u8" -> 8;
          case "i2", "u2" -> 2;
          case "i1", "u1", "b1" -> 1;
          default ->
              throw GraftException.unsupported(
                  file
                      + ": dtype "
                      + descr
                      + " is not supported (little-endian floats, integers or booleans)");
        };
    if (width > 1 && descr.charAt(0) == '|') {
      throw GraftException.badInput(file + ": dtype " + descr + " declares no byte order");
    }
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
      data[i] =
          switch (type) {
            case "f4" -> buf.getFloat();
            case "f8" -> (float) buf.getDouble();
            case "i8" -> buf.getLong();
            case "u8" -> unsignedLong(buf.getLong());
            case "i4" -> buf.getInt();
            case "u4" -> Integer.toUnsignedLong(buf.getInt());
            case "i2" -> buf.getShort();
            case "u2" -> Short.toUnsignedInt(buf.getShort());
            case "i1" -> buf.get();
            default -> Byte.toUnsignedInt(buf.get()); // u1, b1
          };
    }
    return new Array(data, shape, type.charAt(0) == 'f' ? "float" : "integer");
  }

  private static float unsignedLong(long v) {
    return v >= 0 ? v : (float) (v >>> 1) * 2f;
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
