package dev.graft.trainer.data;

/**
 * Labelled examples read batch by batch: in memory ({@link Examples}), or images decoded only as
 * they are needed ({@link ImageExamples}), so that a model or a frozen trunk goes over a split that
 * does not fit in memory. A pass may find examples it cannot use (images that do not decode, when
 * they are skipped): they are left out and their indices kept ({@link #leftOut}).
 */
public interface ExampleStream {
  /** Examples, counting any a pass may leave out. */
  int count();

  /** Values per example, as the model takes them. */
  int featureCount();

  /** Outputs a model for these labels has (1 for a binary task). */
  int outputs();

  /**
   * SHA-256 (hex) naming what the examples are made from and how (file contents and preprocessing,
   * or the values themselves), never where they are: the data's part of a cache key.
   */
  String contentKey();

  /** Rows of examples to rows of outputs: a model, a trunk. */
  @FunctionalInterface
  interface Model {
    float[] apply(float[] rows, int n);
  }

  /** Examples done so far, of {@link #count()}. */
  @FunctionalInterface
  interface Progress {
    Progress NONE = (done, total) -> {};

    void rowsDone(int done, int total);
  }

  /**
   * These examples' labels or targets with {@code model}'s outputs as their features, computed
   * {@code batch} examples at a time: only a few batches of inputs are ever in memory.
   */
  Examples through(Model model, int batch, Progress progress);

  /**
   * These examples' labels or targets with {@code features} computed earlier ({@code columns} per
   * example, a cache entry's), the examples at {@code leftOut} removed as they were then.
   */
  Examples withFeatures(float[] features, int columns, int[] leftOut);

  /** The indices of the examples the last pass left out; null before any pass. */
  int[] leftOut();

  /** Every example in memory, as the model takes it. */
  Examples load();

  /** Most input bytes in one batch of a pass: images are decoded a few batches ahead of it. */
  long BATCH_BYTES = 16L << 20;

  /**
   * Examples per batch for a pass of {@code featureCount} values each: at most {@code most}, and at
   * most {@link #BATCH_BYTES} of input (27 images of 224 x 224 x 3 floats; 256 rows of 784).
   */
  static int batchFor(int featureCount, int most) {
    return (int) Math.max(1, Math.min(most, BATCH_BYTES / (4L * Math.max(1, featureCount))));
  }

  /** Examples kept after a pass (the count until then). */
  default int kept() {
    int[] left = leftOut();
    return count() - (left == null ? 0 : left.length);
  }
}
