package dev.graft.converter;

import dev.graft.GraftException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Small checks and facts about model files. */
public final class ModelFiles {
  private ModelFiles() {}

  public static void requireReadable(Path file) {
    if (!Files.exists(file)) {
      throw GraftException.badInput(file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw GraftException.badInput(file + ": is a folder, not a model file");
    }
    if (!Files.isReadable(file)) {
      throw GraftException.badInput(file + ": not readable");
    }
  }

  /** SHA-256 of a file's bytes, as lowercase hex. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw GraftException.badInput(file + ": cannot read: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
