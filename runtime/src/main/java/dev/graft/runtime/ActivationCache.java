package dev.graft.runtime;

import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activations of a frozen trunk, stored on disk so that later runs and other processes reuse them.
 * One file per entry, {@code <key>.gact}, laid out to be memory-mapped:
 *
 * <pre>
 * offset  size  field
 * 0       8     magic "GRAFTACT"
 * 8       4     format version (2), little-endian int
 * 12      4     header length H (a multiple of 64), little-endian int
 * 16      8     rows (examples), little-endian long
 * 24      8     columns (floats per example), little-endian long
 * 32      32    SHA-256 of the data section
 * 64      32    SHA-256 of the entry's key (UTF-8): an entry copied under another key is a miss
 * 96      ...   description, UTF-8 JSON, padded with spaces to H
 * H       4*rows*columns  float32 little-endian, row after row
 * </pre>
 *
 * Entries are written to a temporary file and renamed into place, so concurrent writers of the same
 * entry end with one complete file; a reader verifies the checksum, and a corrupt or truncated
 * entry is reported, deleted and recomputed.
 */
public final class ActivationCache {
  private static final Logger LOG = LoggerFactory.getLogger(ActivationCache.class);
  private static final byte[] MAGIC = "GRAFTACT".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 2;

  /** The fixed part of the header, before the description. */
  private static final int FIXED = 96;

  public static final String SUFFIX = ".gact";

  private final Path dir;

  public ActivationCache(Path dir) {
    this.dir = dir;
    if (Files.isDirectory(dir)) {
      AtomicWrite.removeAbandoned(dir); // entries whose writer was killed
    }
  }

  /** --cache-dir, else $GRAFT_CACHE_DIR, else $XDG_CACHE_HOME/graft, else ~/.cache/graft. */
  public static Path defaultDir(Path explicit) {
    if (explicit != null) {
      return explicit;
    }
    String env = System.getenv("GRAFT_CACHE_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "graft");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "graft");
  }

  public Path dir() {
    return dir;
  }

  /** A cached matrix of activations. */
  public record Entry(String key, long rows, long columns, float[] data, String description) {}

  /**
   * The key of an entry: SHA-256 over the trunk's bytes, the cut, and the content key of the input
   * examples (what they are made from and how, never where they are).
   */
  public static String key(byte[] trunk, String cut, String inputs) {
    MessageDigest d = dev.graft.Sha256.digest();
    d.update(trunk);
    d.update((byte) 0);
    d.update(cut.getBytes(StandardCharsets.UTF_8));
    d.update((byte) 0);
    d.update(inputs.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(d.digest());
  }

  public Path path(String key) {
    return dir.resolve(key + SUFFIX);
  }

  /**
   * Stores an entry computed by the caller (a cache that cannot be written costs speed, not the
   * run: a warning) and returns it.
   */
  public Entry put(String key, long rows, long columns, float[] data, String description) {
    if (data.length != rows * columns) {
      throw new IllegalArgumentException(data.length + " values for " + rows + "x" + columns);
    }
    try {
      write(key, rows, columns, data, description);
    } catch (GraftException e) {
      LOG.warn("activation cache not written, continuing without it: {}", e.getMessage());
    }
    return new Entry(key, rows, columns, data, description);
  }

  /** The entry if present and intact, its use recorded (for gc); else null. */
  public Entry get(String key) {
    Entry cached = read(key);
    if (cached != null) {
      touch(path(key));
    }
    return cached;
  }

  /** The entry, or null when absent; a damaged entry is reported, deleted and treated as absent. */
  public Entry read(String key) {
    Path file = path(key);
    // Never a link (it could point anywhere), a FIFO (opening one blocks) or a folder.
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size < FIXED) {
        return damaged(file, "shorter than its header");
      }
      if (size > Integer.MAX_VALUE) {
        return damaged(file, "larger than an entry can be (2 GiB)");
      }
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      map.order(ByteOrder.LITTLE_ENDIAN);
      byte[] magic = new byte[8];
      map.get(magic);
      if (!Arrays.equals(magic, MAGIC) || map.getInt() != VERSION) {
        return damaged(file, "not a graft activation cache file");
      }
      int headerLength = map.getInt();
      long rows = map.getLong();
      long columns = map.getLong();
      byte[] sha = new byte[32];
      map.get(sha);
      byte[] keyHash = new byte[32];
      map.get(keyHash);
      if (headerLength < FIXED
          || rows < 0
          || columns < 0
          || columns > 0 && rows > (size - headerLength) / 4 / columns
          || headerLength + rows * columns * 4 != size) {
        return damaged(file, "truncated or malformed");
      }
      if (!Arrays.equals(
          keyHash, dev.graft.Sha256.digest().digest(key.getBytes(StandardCharsets.UTF_8)))) {
        return damaged(file, "it holds another key's activations");
      }
      byte[] desc = new byte[headerLength - FIXED];
      map.get(desc);
      ByteBuffer data =
          map.slice(headerLength, (int) (rows * columns * 4)).order(ByteOrder.LITTLE_ENDIAN);
      MessageDigest d = dev.graft.Sha256.digest();
      d.update(data.duplicate());
      if (!Arrays.equals(sha, d.digest())) {
        return damaged(file, "checksum mismatch");
      }
      float[] values = new float[Math.toIntExact(rows * columns)];
      data.asFloatBuffer().get(values);
      return new Entry(
          key, rows, columns, values, new String(desc, StandardCharsets.UTF_8).strip());
    } catch (IOException | RuntimeException e) {
      return damaged(file, String.valueOf(e.getMessage()));
    }
  }

  private Entry damaged(Path file, String why) {
    LOG.warn("activation cache entry {} is damaged ({}): deleting it and recomputing", file, why);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", file, e.getMessage());
    }
    return null;
  }

  void write(String key, long rows, long columns, float[] data, String description) {
    byte[] desc = description.getBytes(StandardCharsets.UTF_8);
    int headerLength = (FIXED + desc.length + 63) / 64 * 64;
    ByteBuffer body = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    body.asFloatBuffer().put(data);
    byte[] sha = dev.graft.Sha256.digest().digest(body.array());
    ByteBuffer header = ByteBuffer.allocate(headerLength).order(ByteOrder.LITTLE_ENDIAN);
    header
        .put(MAGIC)
        .putInt(VERSION)
        .putInt(headerLength)
        .putLong(rows)
        .putLong(columns)
        .put(sha)
        .put(dev.graft.Sha256.digest().digest(key.getBytes(StandardCharsets.UTF_8)))
        .put(desc);
    while (header.hasRemaining()) {
      header.put((byte) ' ');
    }
    try {
      Files.createDirectories(dir); // the cache owns its folder; AtomicWrite makes none
    } catch (IOException e) {
      throw new dev.graft.GraftException(
          dev.graft.GraftException.Kind.FAILURE,
          "cannot create the cache folder " + dir + ": " + e.getMessage(),
          e);
    }
    AtomicWrite.write(
        path(key),
        tmp -> {
          try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(new ByteBuffer[] {header.flip(), body});
            ch.force(true);
          }
        });
  }

  private static void touch(Path file) {
    try {
      Files.setLastModifiedTime(
          file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException e) {
      // the time of last use only steers gc; not worth failing for
    }
  }

  /** What is in the cache: one line of facts per entry. */
  public record Listing(
      String key,
      long bytes,
      long rows,
      long columns,
      java.time.Instant lastUsed,
      String description) {}

  public List<Listing> list() {
    List<Listing> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files
              .filter(p -> p.getFileName().toString().endsWith(SUFFIX))
              .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
              .sorted()
              .toList()) {
        out.add(describe(f));
      }
    } catch (IOException e) {
      throw new GraftException(
          GraftException.Kind.FAILURE, "cannot list " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static Listing describe(Path f) throws IOException {
    String name = f.getFileName().toString();
    String key = name.substring(0, name.length() - SUFFIX.length());
    long size = Files.size(f);
    java.time.Instant used = Files.getLastModifiedTime(f).toInstant();
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer head = ByteBuffer.allocate(FIXED).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(head, 0);
      head.flip();
      if (head.remaining() < FIXED) {
        return new Listing(key, size, -1, -1, used, "(damaged)");
      }
      head.position(12);
      int headerLength = head.getInt();
      long rows = head.getLong();
      long columns = head.getLong();
      ByteBuffer desc = ByteBuffer.allocate(Math.max(0, Math.min(headerLength - FIXED, 1 << 20)));
      ch.read(desc, FIXED);
      return new Listing(
          key, size, rows, columns, used, new String(desc.array(), StandardCharsets.UTF_8).strip());
    }
  }

  /** Deletes one entry (by key or unique key prefix); returns whether one was deleted. */
  public boolean remove(String keyOrPrefix) {
    List<Listing> matches = list().stream().filter(l -> l.key().startsWith(keyOrPrefix)).toList();
    if (matches.size() > 1) {
      throw GraftException.usage(
          "'"
              + keyOrPrefix
              + "' matches "
              + matches.size()
              + " cache entries; give more of the key");
    }
    try {
      return !matches.isEmpty() && Files.deleteIfExists(path(matches.get(0).key()));
    } catch (IOException e) {
      throw new GraftException(GraftException.Kind.FAILURE, "cannot delete: " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the least recently used entries until the cache holds at most {@code maxBytes}; returns
   * the deleted.
   */
  public List<Listing> gc(long maxBytes) {
    List<Listing> all = new ArrayList<>(list());
    all.sort((a, b) -> a.lastUsed().compareTo(b.lastUsed()));
    long total = all.stream().mapToLong(Listing::bytes).sum();
    List<Listing> removed = new ArrayList<>();
    for (Listing l : all) {
      if (total <= maxBytes) {
        break;
      }
      try {
        Files.deleteIfExists(path(l.key()));
      } catch (IOException e) {
        throw new GraftException(
            GraftException.Kind.FAILURE, "cannot delete: " + e.getMessage(), e);
      }
      total -= l.bytes();
      removed.add(l);
    }
    return removed;
  }
}
