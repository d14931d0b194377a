package dev.graft.trainer.data;

import dev.graft.GraftException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads the IDX files of MNIST and Fashion-MNIST, gzipped or not. */
final class Idx {
  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;

  private Idx() {}

  /** Images as unsigned bytes, row after row; dims[0] = count, dims[1..2] = rows, cols. */
  record Images(byte[] pixels, int count, int rows, int cols) {}

  static Images readImages(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != IMAGES_MAGIC) {
        throw GraftException.badInput(
            file + ": not an IDX image file (magic " + Integer.toHexString(magic) + ")");
      }
      int count = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (count < 0
          || rows <= 0
          || cols <= 0
          || (long) count * rows * cols > Integer.MAX_VALUE - 8) {
        throw GraftException.badInput(
            file + ": implausible IDX dimensions " + count + "x" + rows + "x" + cols);
      }
      byte[] pixels = new byte[count * rows * cols];
      in.readFully(pixels);
      return new Images(pixels, count, rows, cols);
    } catch (EOFException e) {
      throw GraftException.badInput(file + ": truncated IDX file", e);
    } catch (IOException e) {
      throw GraftException.badInput(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  static int[] readLabels(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != LABELS_MAGIC) {
        throw GraftException.badInput(
            file + ": not an IDX label file (magic " + Integer.toHexString(magic) + ")");
      }
      int count = in.readInt();
      if (count < 0 || count > 100_000_000) {
        throw GraftException.badInput(file + ": implausible label count " + count);
      }
      byte[] raw = new byte[count];
      in.readFully(raw);
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = raw[i] & 0xff;
      }
      return labels;
    } catch (EOFException e) {
      throw GraftException.badInput(file + ": truncated IDX file", e);
    } catch (IOException e) {
      throw GraftException.badInput(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    InputStream in =
        file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
    return new DataInputStream(new BufferedInputStream(in, 1 << 16));
  }
}
