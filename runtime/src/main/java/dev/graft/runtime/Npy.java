package dev.graft.runtime;

import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's .npy format (version 1 and 2), float32 or float64, C order: the way `graft predict`
 * exchanges arrays with Python and other tools. Values are read as float32.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
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
    long headerLength =
        major == 1 ? Short.toUnsignedInt(buf.getShort()) : Integer.toUnsignedLong(buf.getInt());
    if (headerLength > buf.remaining()) {
      throw GraftException.badInput(file + ": truncated .npy header");
    }
    String header =
        new String(bytes, buf.position(), (int) headerLength, StandardCharsets.ISO_8859_1);
    buf.position(buf.position() + (int) headerLength);
    String descr = group(DESCR, header, file);
    if (group(FORTRAN, header, file).equals("True")) {
      throw GraftException.unsupported(
          file + ": Fortran-ordered arrays are not supported; save with C order");
    }
    long[] shape = parseShape(group(SHAPE, header, file), file);
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    int width =
        switch (descr) {
          case "<f4", "=f4" -> 4;
          case "<f8", "=f8" -> 8;
          default ->
              throw GraftException.unsupported(
                  file + ": dtype " + descr + " is not supported (float32 or float64)");
        };
    if (count * width != buf.remaining()) {
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

  private static String group(Pattern p, String header, Path file) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw GraftException.badInput(file + ": malformed .npy header: " + header.strip());
    }
    return m.group(1);
  }

  private static long[] parseShape(String text, Path file) {
    String[] parts = text.split(",");
    long[] dims = new long[(int) java.util.Arrays.stream(parts).filter(s -> !s.isBlank()).count()];
    int k = 0;
    for (String part : parts) {
      if (!part.isBlank()) {
        try {
          dims[k] = Long.parseLong(part.trim());
        } catch (NumberFormatException e) {
          throw GraftException.badInput(file + ": malformed .npy shape (" + text + ")");
        }
        if (dims[k++] < 0) {
          throw GraftException.badInput(file + ": negative dimension in .npy shape");
        }
      }
    }
    return dims;
  }
}
