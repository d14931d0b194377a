package dev.graft;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that readers only ever see the old file or the complete new one: the
 * content goes to a temporary file in the same folder, which is then renamed into place.
 * If writing fails or the process dies first, the target is untouched.
 *
 * <p>A process killed with SIGKILL cannot delete its temporary file, so temporary names carry the
 * writer's process id ({@code .NAME.PID.RANDOM.graft-partial}) and every write first deletes the
 * ones in its folder whose process is gone.
 */
public final class AtomicWrite {

  /** Writes the content of one file, given the temporary path to write to. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(Path temporary) throws IOException;
  }

  /** How temporary files end; nothing else graft writes ends so. */
  public static final String SUFFIX = ".graft-partial";

  private AtomicWrite() {}

  /** Deletes temporary files in {@code dir} left by graft processes that died while writing; returns how many. */
  public static int removeAbandoned(Path dir) {
    int removed = 0;
    try (DirectoryStream<Path> partial = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path p : partial) {
        long pid = writerPid(p.getFileName().toString());
        if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue; // still being written
        }
        if (Files.deleteIfExists(p)) {
          removed++;
        }
      }
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      // best effort: a leftover temporary file never shadows a real one
    }
    return removed;
  }

  /** The process id in {@code .NAME.PID.RANDOM.graft-partial}, or -1. */
  private static long writerPid(String name) {
    String[] parts = name.substring(0, name.length() - SUFFIX.length()).split("\\.");
    if (parts.length < 3) {
      return -1;
    }
    try {
      return Long.parseLong(parts[parts.length - 2]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public static void write(Path target, Writer writer) {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      removeAbandoned(dir);
      tmp = Files.createTempFile(dir, "." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".", SUFFIX);
      writer.writeTo(tmp);
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new GraftException(GraftException.Kind.FAILURE, "cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // best effort: the temporary name starts with a dot and never shadows the target
        }
      }
    }
  }

  public static void writeBytes(Path target, byte[] content) {
    write(target, tmp -> Files.write(tmp, content));
  }

  public static void writeString(Path target, String content) {
    writeBytes(target, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

}
