package dev.graft.converter;

import dev.graft.BoundedInflation;
import dev.graft.GraftException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.InputStreamStatistics;

/**
 * Reads the entries of an untrusted zip archive (a {@code .keras} archive, a DL4J zip) once, into
 * memory, with Commons Compress. Refused: entry names with {@code ..}, absolute paths or
 * backslashes, symbolic links, duplicate names, entries that inflate past their limit, and local
 * entries the central directory does not list (two readers of one zip would otherwise disagree:
 * java.util.zip.ZipFile reads the directory, ZipInputStream the local headers). Nothing is
 * extracted to disk, and callers parse only the bytes checked here.
 */
public final class SafeZip {
  private SafeZip() {}

  /**
   * The bytes of the {@code wanted} entries that the archive holds (name -> size limit); with
   * {@code othersAllowed} false, any other entry is refused. {@code kind} names the archive in
   * messages ("a .keras archive").
   */
  public static Map<String, byte[]> read(
      Path file, String kind, Map<String, Long> wanted, boolean othersAllowed) {
    Map<String, byte[]> contents = new LinkedHashMap<>();
    try (ZipFile zip = ZipFile.builder().setFile(file.toFile()).get()) {
      List<String> listed = checkNames(file, zip);
      checkLocalHeaders(file, listed);
      for (String name : listed) {
        Long limit = wanted.get(name);
        if (limit == null) {
          if (!othersAllowed) {
            throw GraftException.unsupported(
                file
                    + ": refused: "
                    + kind
                    + " entry '"
                    + name
                    + "' is not one graft reads ("
                    + String.join(", ", wanted.keySet())
                    + ")");
          }
          continue;
        }
        contents.put(name, entry(file, zip, zip.getEntry(name), limit));
      }
    } catch (IOException | IllegalArgumentException e) {
      throw GraftException.badInput(
          file + ": corrupt or truncated " + kind + " (" + e.getMessage() + ")", e);
    }
    return contents;
  }

  /** The central directory's entry names, in order, after the name checks. */
  private static List<String> checkNames(Path file, ZipFile zip) {
    Set<String> seen = new HashSet<>();
    List<String> names = new ArrayList<>();
    Enumeration<ZipArchiveEntry> entries = zip.getEntries();
    while (entries.hasMoreElements()) {
      ZipArchiveEntry entry = entries.nextElement();
      String name = entry.getName();
      if (entry.isUnixSymlink()) {
        throw GraftException.badInput(
            file + ": refused: archive entry '" + name + "' is a symbolic link");
      }
      if (name.startsWith("/")
          || name.contains("\\")
          || name.matches("^[A-Za-z]:.*")
          || List.of(name.split("/")).contains("..")) {
        throw GraftException.badInput(
            file + ": refused: archive entry '" + name + "' points outside the archive");
      }
      if (!seen.add(name)) {
        throw GraftException.badInput(
            file + ": refused: archive entry '" + name + "' appears twice");
      }
      names.add(name);
    }
    return names;
  }

  /**
   * The local headers, read in file order as a streaming reader sees them, must name exactly the
   * entries the central directory lists: an unlisted entry is what a second reader would load.
   */
  private static void checkLocalHeaders(Path file, List<String> listed) throws IOException {
    List<String> local = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file);
        ZipArchiveInputStream in = new ZipArchiveInputStream(raw, "UTF-8", true, true)) {
      ZipArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        local.add(entry.getName());
        if (local.size() > listed.size()) {
          break;
        }
      }
    }
    List<String> a = new ArrayList<>(local);
    List<String> b = new ArrayList<>(listed);
    a.sort(null);
    b.sort(null);
    if (!a.equals(b)) {
      throw GraftException.badInput(
          file
              + ": refused: the archive's local entries "
              + local
              + " differ from the entries its directory lists "
              + listed);
    }
  }

  /**
   * An entry's bytes, never more than {@code limit} (capped at what a Java array holds) nor more
   * than the size the central directory declares: an entry that declares a larger size than the
   * limit is refused before inflating, one whose data runs past its declared size (a lying size) as
   * soon as it does, and one that keeps inflating at more than {@value #MAX_RATIO}:1 past {@value
   * #RATIO_FROM} bytes (a zip bomb; weights never compress like that) before the memory it claims
   * is spent. A cap above the array size once let a 4.5 GiB bomb through as 2 GiB of zeros, refused
   * minutes later by the HDF5 reader.
   */
  private static byte[] entry(Path file, ZipFile zip, ZipArchiveEntry entry, long limit)
      throws IOException {
    long cap = Math.min(limit, Integer.MAX_VALUE - 8);
    if (entry.getSize() > cap) {
      throw inflatesPast(file, entry, cap);
    }
    try (InputStream in = zip.getInputStream(entry)) {
      LongSupplier compressed =
          in instanceof InputStreamStatistics stats
              ? () -> Math.max(1, stats.getCompressedCount())
              : () -> 0;
      return BoundedInflation.read(
          in, entry.getSize(), cap, compressed, why -> refused(file, entry, why));
    }
  }

  private static GraftException refused(Path file, ZipArchiveEntry entry, String why) {
    return GraftException.badInput(file + ": refused: entry " + entry.getName() + " " + why);
  }

  private static GraftException inflatesPast(Path file, ZipArchiveEntry entry, long cap) {
    return refused(
        file,
        entry,
        "inflates to more than " + (cap >= 1 << 20 ? (cap >> 20) + " MiB" : cap + " bytes"));
  }
}
