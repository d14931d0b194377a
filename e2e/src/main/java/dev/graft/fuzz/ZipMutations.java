package dev.graft.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Archive-level mutations of a zip (a .keras archive, a DL4J zip), the kinds a red team used: an
 * unlisted local entry shadowing a listed one (two zip readers disagree), a name listed twice,
 * names that leave the archive, a symbolic-link entry, or one entry's bytes mutated.
 */
final class ZipMutations {
  private ZipMutations() {}

  private record Entry(String name, byte[] data) {}

  static byte[] mutate(byte[] original, Random rng) throws IOException {
    if (rng.nextInt(4) == 0) {
      return FuzzModels.mutateBytes(original, rng);
    }
    List<Entry> entries = entries(original);
    if (entries.isEmpty()) {
      return FuzzModels.mutateBytes(original, rng);
    }
    int victim = rng.nextInt(entries.size());
    Entry v = entries.get(victim);
    byte[] changed = FuzzModels.mutateBytes(v.data(), rng);
    return switch (rng.nextInt(6)) {
      case 0 -> concat(localEntriesOnly(List.of(new Entry(v.name(), changed))), original);
      case 1 -> {
        List<Entry> twice = new ArrayList<>(entries);
        twice.add(new Entry(v.name(), changed));
        yield zip(twice, -1);
      }
      case 2 -> zip(renamed(entries, victim, "../" + v.name()), -1);
      case 3 -> zip(renamed(entries, victim, "/" + v.name()), -1);
      case 4 -> zip(entries, victim);
      default -> {
        List<Entry> one = new ArrayList<>(entries);
        one.set(victim, new Entry(v.name(), changed));
        yield zip(one, -1);
      }
    };
  }

  private static List<Entry> entries(byte[] zip) throws IOException {
    List<Entry> out = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.add(new Entry(e.getName(), in.readAllBytes()));
      }
    } catch (IOException | IllegalArgumentException e) {
      return List.of(); // not a readable zip (a seed already mutated): fall back to bytes
    }
    return out;
  }

  private static List<Entry> renamed(List<Entry> entries, int victim, String name) {
    List<Entry> out = new ArrayList<>(entries);
    out.set(victim, new Entry(name, entries.get(victim).data()));
    return out;
  }

  /** A zip of these entries (duplicates kept), the one at {@code symlink} marked a link. */
  private static byte[] zip(List<Entry> entries, int symlink) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
      for (int i = 0; i < entries.size(); i++) {
        ZipArchiveEntry e = new ZipArchiveEntry(entries.get(i).name());
        if (i == symlink) {
          e.setUnixMode(0120777);
        }
        zip.putArchiveEntry(e);
        zip.write(entries.get(i).data());
        zip.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  /** The local headers and data of a zip of these entries, without its central directory. */
  private static byte[] localEntriesOnly(List<Entry> entries) throws IOException {
    byte[] whole = zip(entries, -1);
    return Arrays.copyOf(whole, centralDirectoryStart(whole));
  }

  private static int centralDirectoryStart(byte[] zip) {
    for (int i = zip.length - 22; i >= 0; i--) {
      if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 5 && zip[i + 3] == 6) {
        // end of central directory: the directory's offset at +16
        return (zip[i + 16] & 0xff)
            | (zip[i + 17] & 0xff) << 8
            | (zip[i + 18] & 0xff) << 16
            | (zip[i + 19] & 0xff) << 24;
      }
    }
    return zip.length;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
