package dev.graft.data;

import dev.graft.GraftException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * NumPy's {@code .npz}: a zip of {@code NAME.npy} entries (np.savez, compressed or not). Each entry
 * is read into memory no further than a Java array holds, and parsed by {@link Npy}; names that
 * repeat are refused.
 */
public final class Npz {
  private static final int MAX_ENTRY = Integer.MAX_VALUE - 8;

  /** Past this many inflated bytes an entry's compression ratio is checked. */
  private static final long RATIO_FROM = 32L << 20;

  /** Arrays of real data compress a few times; a zip bomb (zeros) near 1000:1. */
  private static final long MAX_RATIO = 200;

  private Npz() {}

  /**
   * An entry's bytes, never past the size it declares nor a Java array, and refused while inflating
   * at a zip bomb's ratio, before the memory it claims is spent.
   */
  private static byte[] bounded(Path file, String key, ZipEntry e, InputStream in)
      throws IOException {
    long bound = e.getSize() >= 0 ? Math.min(e.getSize(), MAX_ENTRY) : MAX_ENTRY;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] chunk = new byte[1 << 16];
    long total = 0;
    for (int n; (n = in.read(chunk)) != -1; ) {
      total += n;
      if (total > bound) {
        throw GraftException.badInput(
            file
                + ": array '"
                + key
                + "' inflates past "
                + bound
                + " bytes (its declared size or 2 GiB)");
      }
      if (total > RATIO_FROM
          && e.getCompressedSize() > 0
          && total / e.getCompressedSize() > MAX_RATIO) {
        throw GraftException.badInput(
            file
                + ": array '"
                + key
                + "' inflates more than "
                + MAX_RATIO
                + " times its compressed size (a zip bomb)");
      }
      out.write(chunk, 0, n);
    }
    return out.toByteArray();
  }

  /** The arrays by name (without ".npy"), in the archive's order. */
  public static Map<String, Npy.Array> read(Path file) {
    Map<String, Npy.Array> arrays = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        String name = e.getName();
        if (e.isDirectory() || !name.endsWith(".npy")) {
          throw GraftException.badInput(file + ": entry '" + name + "' is not a .npy array");
        }
        String key = name.substring(0, name.length() - 4);
        if (arrays.containsKey(key)) {
          throw GraftException.badInput(file + ": array '" + key + "' appears twice");
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(e)) {
          bytes = bounded(file, key, e, in);
        }
        arrays.put(key, Npy.parse(bytes, Path.of(file + "[" + key + "]")));
      }
    } catch (IOException e) {
      throw GraftException.badInput(
          file + ": not a readable .npz archive (" + e.getMessage() + ")", e);
    }
    return arrays;
  }
}
