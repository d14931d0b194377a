package dev.graft;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that readers only ever see the old file or the complete new one: the
 * content goes to a temporary file in the same folder, which is then renamed into place.
 * If writing fails or the process dies first, the target is untouched.
 */
public final class AtomicWrite {

  /** Writes the content of one file, given the temporary path to write to. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(Path temporary) throws IOException;
  }

  private AtomicWrite() {}

  public static void write(Path target, Writer writer) {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
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
