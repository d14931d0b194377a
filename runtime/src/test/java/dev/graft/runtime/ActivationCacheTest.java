package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivationCacheTest {
  @TempDir Path dir;

  static float[] rows(int from, int to) {
    float[] v = new float[(to - from) * 3];
    for (int r = from; r < to; r++) {
      for (int c = 0; c < 3; c++) {
        v[(r - from) * 3 + c] = r * 10 + c;
      }
    }
    return v;
  }

  @Test
  void storedEntriesReadBackInAnotherCache() {
    ActivationCache cache = new ActivationCache(dir);
    assertNull(cache.get("k1"), "nothing stored yet");
    var first = cache.put("k1", 10, 3, rows(0, 10), "{\"left_out\": []}");
    var second = new ActivationCache(dir).get("k1");
    assertArrayEquals(first.data(), second.data());
    assertArrayEquals(rows(0, 10), second.data());
    assertEquals("{\"left_out\": []}", second.description());
    assertEquals(1, cache.list().size());
    assertEquals(10, cache.list().get(0).rows());
    assertEquals(3, cache.list().get(0).columns());
  }

  @Test
  void corruptAndTruncatedEntriesAreDetectedAndRebuilt() throws Exception {
    ActivationCache cache = new ActivationCache(dir);
    cache.put("k", 10, 3, rows(0, 10), "{}");
    Path file = cache.path("k");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(f.length() - 7);
      f.write(0x5a);
    }
    assertNull(cache.read("k"), "a flipped byte is caught by the checksum");
    assertTrue(Files.notExists(file), "and the damaged entry is removed");
    cache.put("k", 10, 3, rows(0, 10), "{}");
    assertArrayEquals(rows(0, 10), cache.get("k").data(), "stored again");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 12));
    assertNull(cache.read("k"), "a truncated entry is caught");
  }

  @Test
  void keyChangesWithEveryInput() {
    byte[] trunk = {1, 2, 3};
    String k = ActivationCache.key(trunk, "t", "inputs");
    assertEquals(64, k.length());
    assertEquals(k, ActivationCache.key(trunk.clone(), "t", "inputs"));
    assertNotEquals(k, ActivationCache.key(new byte[] {1, 2, 4}, "t", "inputs"));
    assertNotEquals(k, ActivationCache.key(trunk, "u", "inputs"));
    assertNotEquals(k, ActivationCache.key(trunk, "t", "inputz"));
    assertNotEquals(k, ActivationCache.key(trunk, "ti", "nputs"), "parts are delimited");
  }

  @Test
  void gcRemovesLeastRecentlyUsedFirst() throws Exception {
    ActivationCache cache = new ActivationCache(dir);
    for (String k : List.of("old", "mid", "new")) {
      cache.put(k, 100, 3, rows(0, 100), "{}");
    }
    Files.setLastModifiedTime(
        cache.path("old"), java.nio.file.attribute.FileTime.fromMillis(1_000));
    Files.setLastModifiedTime(
        cache.path("mid"), java.nio.file.attribute.FileTime.fromMillis(2_000));
    long one = Files.size(cache.path("new"));
    var removed = cache.gc(one * 2);
    assertEquals(List.of("old"), removed.stream().map(ActivationCache.Listing::key).toList());
    assertTrue(cache.remove("mi"));
    assertEquals(List.of("new"), cache.list().stream().map(ActivationCache.Listing::key).toList());
  }

  /** Entry point for the concurrent-writers test: stores one large entry, in its own JVM. */
  public static void main(String[] args) {
    int n = 400_000; // 4.8 MB: long enough to write for the two writers to overlap
    new ActivationCache(Path.of(args[0]))
        .put("shared", n, 3, rows(0, n), "{\"writer\": \"" + args[1] + "\"}");
  }

  @Test
  void twoProcessesFillingOneEntryLeaveOneValidEntry() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    List<Process> writers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      writers.add(
          new ProcessBuilder(
                  java, "-cp", cp, ActivationCacheTest.class.getName(), dir.toString(), "w" + i)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start());
    }
    for (Process p : writers) {
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue());
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of("shared.gact"),
          files.map(p -> p.getFileName().toString()).toList(),
          "no temporary files left");
    }
    var entry = new ActivationCache(dir).read("shared");
    assertArrayEquals(rows(0, 400_000), entry.data());
    assertTrue(entry.description().contains("writer"), entry.description());
    assertTrue(
        new String(Files.readAllBytes(dir.resolve("shared.gact")), 0, 8, StandardCharsets.US_ASCII)
            .equals("GRAFTACT"));
  }

  /**
   * What the cache finds in its folder is not trusted: an entry copied under another key, a header
   * claiming 2^62 rows, a symbolic link, a FIFO and a folder named like entries are all misses (the
   * first two deleted), never followed, read or blocked on; ls lists only real entries.
   */
  @Test
  void whatTheCacheFindsIsNotTrusted() throws Exception {
    Path cacheDir = dir.resolve("cache");
    ActivationCache cache = new ActivationCache(cacheDir);
    cache.put("a", 10, 3, rows(0, 10), "{}");
    Files.copy(cache.path("a"), cache.path("b"));
    assertNull(cache.read("b"), "another key's entry");
    assertTrue(Files.notExists(cache.path("b")), "and deleted");
    byte[] huge = Files.readAllBytes(cache.path("a"));
    java.nio.ByteBuffer.wrap(huge).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(16, 1L << 62);
    Files.write(cache.path("c"), huge);
    assertNull(cache.read("c"), "a header claiming 2^62 rows");
    Path secret = Files.writeString(dir.resolve("secret.txt"), "not a cache entry");
    Files.createSymbolicLink(cache.path("link"), secret);
    Process mkfifo = new ProcessBuilder("mkfifo", cache.path("fifo").toString()).start();
    assertEquals(0, mkfifo.waitFor());
    Files.createDirectory(cache.path("folder"));
    assertNull(cache.read("link"));
    assertNull(cache.read("fifo"), "a FIFO is not opened (opening it would block)");
    assertNull(cache.read("folder"));
    assertEquals("not a cache entry", Files.readString(secret), "a link's target is left alone");
    assertEquals(List.of("a"), cache.list().stream().map(ActivationCache.Listing::key).toList());
    assertArrayEquals(rows(0, 10), cache.read("a").data(), "the real entry still reads");
  }

  /**
   * A cache that cannot be written costs speed, not the run: the activations are still returned.
   */
  @Test
  void anUnwritableCacheFallsBackToComputing() throws Exception {
    Path notAFolder = Files.writeString(dir.resolve("cache"), "a file where the folder should be");
    ActivationCache cache = new ActivationCache(notAFolder);
    var entry = cache.put("k", 10, 3, rows(0, 10), "{}");
    assertArrayEquals(rows(0, 10), entry.data());
    assertNull(cache.read("k"));
  }
}
