package dev.graft.data;

import dev.graft.BoundedInflation;
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
 * is read into memory within {@link BoundedInflation}'s bounds (a Java array at most), and parsed
 * by {@link Npy}; names that repeat are refused.
 */
public final class Npz {
  private static final int MAX_ENTRY = Integer.MAX_VALUE - 8;

  private Npz() {}

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
          bytes =
              BoundedInflation.read(
                  in,
                  e.getSize(),
                  MAX_ENTRY,
                  e::getCompressedSize,
                  why -> GraftException.badInput(file + ": array '" + key + "' " + why));
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
