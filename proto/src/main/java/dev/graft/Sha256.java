package dev.graft;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, as graft uses it to name content (models in provenance records, cache keys, examples on
 * a cluster): lowercase hex, streamed for files; every JVM has the algorithm, so no checked
 * exception.
 */
public final class Sha256 {
  private Sha256() {}

  /** A fresh digest, for content hashed in parts. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /** The stream's remaining bytes, read 64 KiB at a time; the caller closes it. */
  public static String hex(InputStream in) throws IOException {
    MessageDigest d = digest();
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) > 0; ) {
      d.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  /** A file's bytes; a file that cannot be read is bad input naming it. */
  public static String hex(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return hex(in);
    } catch (IOException e) {
      throw GraftException.badInput(file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
