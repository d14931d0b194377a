package dev.graft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {
  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFailingWriterLeavesTheOldFileAndNoTemporary() throws IOException {
    Path target = Files.writeString(dir.resolve("model.zip"), "old");
    assertThrows(
        IllegalStateException.class,
        () ->
            AtomicWrite.write(
                target,
                tmp -> {
                  Files.writeString(tmp, "half");
                  throw new IllegalStateException("input turned out bad halfway");
                }));
    assertEquals("old", Files.readString(target));
    assertEquals(List.of("model.zip"), names());
  }

  @Test
  void temporariesOfDeadWritersAreRemovedAndThoseOfLiveOnesKept() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    long live = ProcessHandle.current().pid();
    String deadName = ".a.onnx." + dead.pid() + ".0123456789abcdef" + AtomicWrite.SUFFIX;
    String liveName = ".b.onnx." + live + ".fedcba9876543210" + AtomicWrite.SUFFIX;
    Files.writeString(dir.resolve(deadName), "partial");
    Files.writeString(dir.resolve(liveName), "being written");
    Files.writeString(dir.resolve("notes.txt"), "not ours");
    AtomicWrite.writeString(dir.resolve("c.json"), "{}");
    assertEquals(List.of(liveName, "c.json", "notes.txt"), names());
    assertTrue(Files.readString(dir.resolve("c.json")).equals("{}"));
    assertFalse(Files.exists(dir.resolve(deadName)));
  }

  /** Only names graft makes are ever removed: a user's file ending in .graft-partial stays. */
  @Test
  void filesGraftDidNotMakeAreNeverRemoved() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    List<String> theirs =
        List.of(
            "important" + AtomicWrite.SUFFIX,
            ".x." + dead.pid() + ".123" + AtomicWrite.SUFFIX,
            ".y." + dead.pid() + AtomicWrite.SUFFIX,
            "z." + dead.pid() + ".0123456789abcdef" + AtomicWrite.SUFFIX);
    for (String name : theirs) {
      Files.writeString(dir.resolve(name), "user data");
    }
    AtomicWrite.writeString(dir.resolve("c.json"), "{}");
    assertEquals(0, AtomicWrite.removeAbandoned(dir));
    for (String name : theirs) {
      assertEquals("user data", Files.readString(dir.resolve(name)), name);
    }
  }

  /**
   * A written file gets a new file's permissions (the umask applies), not a temporary file's 0600.
   */
  @Test
  void writtenFilesHaveTheUsualPermissions() throws IOException {
    Path plain = Files.createFile(dir.resolve("plain.txt"));
    Path written = dir.resolve("written.txt");
    AtomicWrite.writeString(written, "x");
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
  }

  @Test
  void aMissingFolderOrAFolderAsTargetIsRefusedUpFront() throws IOException {
    GraftException missing =
        assertThrows(
            GraftException.class,
            () -> AtomicWrite.writeString(dir.resolve("no/such/folder/out.json"), "{}"));
    assertEquals(GraftException.Kind.USAGE, missing.kind());
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    assertFalse(Files.exists(dir.resolve("no")), "no folder is created");
    Files.createDirectory(dir.resolve("d.zip"));
    GraftException folder =
        assertThrows(GraftException.class, () -> AtomicWrite.checkWritable(dir.resolve("d.zip")));
    assertTrue(folder.getMessage().contains("is a folder"), folder.getMessage());
    assertEquals(List.of("d.zip"), names());
  }
}
