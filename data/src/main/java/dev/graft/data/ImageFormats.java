package dev.graft.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Image formats graft decodes, recognised by their first bytes, never by the file name. */
public final class ImageFormats {
  private ImageFormats() {}

  /** "png", "jpeg", "gif", "bmp" or "webp"; null when the file is none of them. */
  public static String sniff(Path file) throws IOException {
    byte[] h = new byte[12];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(h, 0, h.length);
    }
    return sniff(h, n);
  }

  /** The same for the first {@code n} bytes of a file held in memory. */
  public static String sniff(byte[] h, int n) {
    if (n >= 8 && (h[0] & 0xff) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G') {
      return "png";
    }
    if (n >= 3 && (h[0] & 0xff) == 0xff && (h[1] & 0xff) == 0xd8 && (h[2] & 0xff) == 0xff) {
      return "jpeg";
    }
    if (n >= 6 && h[0] == 'G' && h[1] == 'I' && h[2] == 'F' && h[3] == '8') {
      return "gif";
    }
    if (n >= 2 && h[0] == 'B' && h[1] == 'M') {
      return "bmp";
    }
    if (n >= 12
        && h[0] == 'R'
        && h[1] == 'I'
        && h[2] == 'F'
        && h[3] == 'F'
        && h[8] == 'W'
        && h[9] == 'E'
        && h[10] == 'B'
        && h[11] == 'P') {
      return "webp";
    }
    return null;
  }
}
