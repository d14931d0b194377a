package dev.graft;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a file so that readers only ever see the old file or the complete new one: the content
 * goes to a temporary file in the same folder, which is then renamed into place. If writing fails
 * or the process dies first, the target is untouched.
 *
 * <p>A process killed with SIGKILL cannot delete its temporary file, so temporary names carry the
 * writer's process id ({@code .NAME.PID.RANDOM.graft-partial}, RANDOM 16 hex digits) and every
 * write first deletes the ones in its folder whose process is gone; a file of any other name is
 * never deleted, whatever it ends with.
 *
 * <p>The target's folder must exist (a mistyped path is an error, not a new folder tree); the file
 * gets the permissions a newly created file gets (the umask applies), not a temporary file's 0600.
 */
public final class AtomicWrite {

  /** Writes the content of one file, given the temporary path to write to. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(Path temporary) throws IOException;
  }

  /** How temporary files end; nothing else graft writes ends so. */
  public static final String SUFFIX = ".graft-partial";

  /** Exactly the temporary names graft makes: {@code .NAME.PID.RANDOM.graft-partial}. */
  private static final Pattern TEMPORARY =
      Pattern.compile("\\..+\\.(\\d{1,19})\\.[0-9a-f]{16}" + Pattern.quote(SUFFIX));

  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicWrite() {}

  /**
   * Deletes temporary files in {@code dir} left by graft processes that died while writing; returns
   * how many.
   */
  public static int removeAbandoned(Path dir) {
    int removed = 0;
    try (DirectoryStream<Path> partial = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path p : partial) {
        long pid = writerPid(p.getFileName().toString());
        if (pid <= 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue; // not a name graft makes, or still being written
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

  /**
   * The process id in a name graft made ({@code .NAME.PID.RANDOM.graft-partial}), or -1 for any
   * other name.
   */
  static long writerPid(String name) {
    Matcher m = TEMPORARY.matcher(name);
    if (!m.matches()) {
      return -1;
    }
    try {
      return Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Fails now, before any long work, if {@code target} could not be written later: its folder does
   * not exist, it is a folder, or the folder does not take new files (checked by creating and
   * deleting a temporary file there).
   */
  public static void checkWritable(Path target) {
    checkFolder(target);
    try {
      Files.delete(createTemporary(target.toAbsolutePath()));
    } catch (IOException e) {
      throw cannotWrite(target, e);
    }
  }

  /** The target is not a folder and its folder exists (what no temporary file can tell). */
  private static void checkFolder(Path target) {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    if (Files.isDirectory(absolute)) {
      throw GraftException.usage("cannot write " + target + ": it is a folder");
    }
    if (dir == null || !Files.isDirectory(dir)) {
      throw GraftException.usage("cannot write " + target + ": folder " + dir + " does not exist");
    }
  }

  public static void write(Path target, Writer writer) {
    checkFolder(target); // no probe file: creating the temporary below is the same test
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path tmp = null;
    try {
      removeAbandoned(dir);
      tmp = createTemporary(absolute);
      writer.writeTo(tmp);
      try {
        Files.move(
            tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw cannotWrite(target, e);
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

  /**
   * A new empty file {@code .NAME.PID.RANDOM.graft-partial} beside the target, with a new file's
   * permissions.
   */
  private static Path createTemporary(Path absolute) throws IOException {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    String name =
        "."
            + absolute.getFileName()
            + "."
            + ProcessHandle.current().pid()
            + "."
            + HexFormat.of().formatHex(random)
            + SUFFIX;
    return Files.createFile(
        absolute.resolveSibling(name)); // CREATE_NEW, and the umask applies (createTempFile: 0600)
  }

  private static GraftException cannotWrite(Path target, IOException e) {
    String why = e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
    return new GraftException(
        GraftException.Kind.FAILURE, "cannot write " + target + ": " + why, e);
  }

  public static void writeBytes(Path target, byte[] content) {
    write(target, tmp -> Files.write(tmp, content));
  }

  public static void writeString(Path target, String content) {
    writeBytes(target, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
