package dev.graft;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Reads one inflating archive entry (a .keras or DL4J zip entry, an .npz array) into memory within
 * bounds, refusing as soon as it breaks one: never past the size the entry declares, nor past a
 * cap, and not at a zip bomb's ratio - more than {@value #MAX_RATIO} inflated bytes per compressed
 * byte once past {@value #RATIO_FROM} bytes (real weights and data compress a few times; zeros near
 * 1000:1) - before the memory the entry claims is spent.
 */
public final class BoundedInflation {
  /** Past this many inflated bytes an entry's compression ratio is checked. */
  public static final long RATIO_FROM = 32L << 20;

  /** DEFLATE peaks near 1032:1 on zeros; model weights and data compress a few times at most. */
  public static final long MAX_RATIO = 200;

  private BoundedInflation() {}

  /**
   * @param declared the size the entry declares, or -1
   * @param cap never more than this many bytes, declared or not
   * @param compressed the compressed bytes consumed so far (or the entry's compressed size); 0 or
   *     less skips the ratio check
   * @param refused the error for a reason ("inflates past the 12 bytes it declares")
   */
  public static byte[] read(
      InputStream in,
      long declared,
      long cap,
      LongSupplier compressed,
      Function<String, GraftException> refused)
      throws IOException {
    long bound = declared >= 0 ? Math.min(declared, cap) : cap;
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(bound, 1 << 20));
    byte[] chunk = new byte[1 << 16];
    long total = 0;
    for (int n; (n = in.read(chunk)) != -1; ) {
      total += n;
      if (total > bound) {
        throw refused.apply(
            total > cap || declared < 0
                ? "inflates to more than "
                    + (cap >= 1 << 20 ? (cap >> 20) + " MiB" : cap + " bytes")
                : "inflates past the " + declared + " bytes it declares");
      }
      long packed = compressed.getAsLong();
      if (total > RATIO_FROM && packed > 0 && total / packed > MAX_RATIO) {
        throw refused.apply(
            "inflates more than "
                + MAX_RATIO
                + " times its compressed size (a zip bomb, not data)");
      }
      out.write(chunk, 0, n);
    }
    return out.toByteArray();
  }
}
