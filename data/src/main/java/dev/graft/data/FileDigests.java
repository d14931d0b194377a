package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * What a list of files holds, as one SHA-256: each file's SHA-256 (computed on several threads,
 * streamed, never the whole file in memory), joined in list order. Names a data set by content, not
 * by path, so a renamed or copied folder keeps its cached activations and an edited image does not.
 */
public final class FileDigests {
  private FileDigests() {}

  /**
   * One digest over {@code files} in order; a file that cannot be read counts as a fixed marker
   * (whoever decodes it reports it), so the result never depends on a read that failed.
   */
  public static String of(List<Path> files) {
    String[] each = new String[files.size()];
    java.util.stream.IntStream.range(0, each.length)
        .parallel()
        .forEach(i -> each[i] = fileOrMarker(files.get(i)));
    MessageDigest d = Sha256.digest();
    for (String one : each) {
      d.update(one.getBytes(StandardCharsets.US_ASCII));
      d.update((byte) '\n');
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static String fileOrMarker(Path file) {
    try {
      return Sha256.hex(file);
    } catch (GraftException e) {
      return "unreadable";
    }
  }
}
