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
  @TempDir
  Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFailingWriterLeavesTheOldFileAndNoTemporary() throws IOException {
    Path target = Files.writeString(dir.resolve("model.zip"), "old");
    assertThrows(IllegalStateException.class, () -> AtomicWrite.write(target, tmp -> {
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
    Files.writeString(dir.resolve(".a.onnx." + dead.pid() + ".123" + AtomicWrite.SUFFIX), "partial");
    Files.writeString(dir.resolve(".b.onnx." + live + ".456" + AtomicWrite.SUFFIX), "being written");
    Files.writeString(dir.resolve("notes.txt"), "not ours");
    AtomicWrite.writeString(dir.resolve("c.json"), "{}");
    assertEquals(List.of(".b.onnx." + live + ".456" + AtomicWrite.SUFFIX, "c.json", "notes.txt"), names());
    assertTrue(Files.readString(dir.resolve("c.json")).equals("{}"));
    assertFalse(Files.exists(dir.resolve(".a.onnx." + dead.pid() + ".123" + AtomicWrite.SUFFIX)));
  }
}
