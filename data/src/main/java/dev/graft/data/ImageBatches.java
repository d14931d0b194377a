package dev.graft.data;

import dev.graft.GraftException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Images decoded and preprocessed for a model batch after batch, in file order, on a bounded pool
 * of threads at most {@link #AHEAD} batches ahead of the consumer: however many files there are,
 * memory holds the decoded images of a few batches, never the whole folder. While the consumer runs
 * a batch through a model, the pool decodes the next ones.
 */
public final class ImageBatches {
  /** Batches decoded ahead of the one the consumer holds. */
  public static final int AHEAD = 2;

  private ImageBatches() {}

  /**
   * One batch: {@code rows} preprocessed images, row after row, and each row's index in the file
   * list (an image that could not be decoded, when skipped, leaves a gap).
   */
  public record Batch(float[] features, int rows, int[] files) {}

  /** Takes each batch; may throw to stop the stream. */
  @FunctionalInterface
  public interface Consumer {
    void accept(Batch batch);
  }

  /**
   * Decodes {@code files} with {@code pre}, {@code batchSize} at a time, and hands each batch that
   * holds an image to {@code consumer}, in order. An image that cannot be decoded is an error
   * naming it, or with {@code skipBad} left out; returns the indices of those left out.
   */
  public static int[] forEach(
      List<Path> files, Preprocessing pre, int batchSize, boolean skipBad, Consumer consumer) {
    if (batchSize < 1) {
      throw GraftException.parameter("batchSize", "must be at least 1, not " + batchSize);
    }
    int n = files.size();
    int d = pre.width() * pre.height() * pre.channels();
    int window = batchSize * (AHEAD + 1);
    List<Integer> leftOut = new ArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            r -> {
              Thread t = new Thread(r, "graft-image-decoder");
              t.setDaemon(true); // a consumer's error never leaves the JVM waiting on decoders
              return t;
            });
    try {
      Deque<Future<float[]>> pending = new ArrayDeque<>();
      int submitted = 0;
      for (int start = 0; start < n; start += batchSize) {
        while (submitted < Math.min(n, start + window)) {
          Path file = files.get(submitted++);
          pending.add(pool.submit(() -> pre.apply(ImageDecoder.read(file))));
        }
        int end = Math.min(n, start + batchSize);
        float[] x = new float[(end - start) * d];
        int[] kept = new int[end - start];
        int rows = 0;
        for (int i = start; i < end; i++) {
          float[] one = await(pending.poll(), skipBad);
          if (one == null) {
            leftOut.add(i);
            continue;
          }
          System.arraycopy(one, 0, x, rows * d, d);
          kept[rows++] = i;
        }
        if (rows > 0) {
          consumer.accept(
              new Batch(
                  rows == kept.length ? x : Arrays.copyOf(x, rows * d),
                  rows,
                  Arrays.copyOf(kept, rows)));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return leftOut.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The decoded image, or null for a bad one being skipped. */
  private static float[] await(Future<float[]> image, boolean skipBad) {
    try {
      return image.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GraftException(GraftException.Kind.FAILURE, "interrupted while decoding images", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof GraftException g) {
        if (skipBad && g.kind() == GraftException.Kind.BAD_INPUT) {
          return null;
        }
        throw g;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new GraftException(GraftException.Kind.FAILURE, String.valueOf(cause), cause);
    }
  }
}
