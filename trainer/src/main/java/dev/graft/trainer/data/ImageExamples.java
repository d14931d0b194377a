package dev.graft.trainer.data;

import dev.graft.GraftException;
import dev.graft.Sha256;
import dev.graft.data.FileDigests;
import dev.graft.data.ImageBatches;
import dev.graft.data.ImageDecoder;
import dev.graft.data.Preprocessing;
import dev.graft.runtime.ExampleLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Labelled image files, decoded and preprocessed only while a pass goes over them ({@link
 * ImageBatches}: a bounded pool, a few batches ahead), laid out as the model takes them (an image
 * is [height, width, channels]; a channels-first model gets [channels, height, width]). Images that
 * do not decode are an error naming the file or, when skipped, left out and remembered.
 */
public final class ImageExamples implements ExampleStream {
  private final List<Path> files;
  private final int[] labels;
  private final Preprocessing pre;
  private final long[] modelShape;
  private final int outputs;
  private final boolean skipBad;
  private final String name;
  private volatile int[] leftOut;

  /**
   * @param labels one per file
   * @param modelShape one example as the model takes it ([h, w, c] or [c, h, w])
   * @param name the split, for messages ("photos/train")
   */
  public ImageExamples(
      List<Path> files,
      int[] labels,
      Preprocessing pre,
      long[] modelShape,
      int outputs,
      boolean skipBad,
      String name) {
    if (labels.length != files.size()) {
      throw new IllegalArgumentException(labels.length + " labels for " + files.size() + " files");
    }
    this.files = List.copyOf(files);
    this.labels = labels.clone();
    this.pre = pre;
    this.modelShape = modelShape.clone();
    this.outputs = outputs;
    this.skipBad = skipBad;
    this.name = name;
  }

  /** Images without labels, to predict on: their outputs come back as the features. */
  public static ImageExamples unlabelled(
      List<Path> files, Preprocessing pre, long[] modelShape, boolean skipBad, String name) {
    return new ImageExamples(files, new int[files.size()], pre, modelShape, 1, skipBad, name);
  }

  public List<Path> files() {
    return files;
  }

  @Override
  public int count() {
    return files.size();
  }

  @Override
  public int featureCount() {
    return pre.width() * pre.height() * pre.channels();
  }

  @Override
  public int outputs() {
    return outputs;
  }

  @Override
  public String contentKey() {
    var d = Sha256.digest();
    d.update(
        ("images " + pre + " " + Arrays.toString(modelShape) + "\n")
            .getBytes(StandardCharsets.UTF_8));
    d.update(FileDigests.of(files).getBytes(StandardCharsets.US_ASCII));
    return java.util.HexFormat.of().formatHex(d.digest());
  }

  @Override
  public Examples through(Model model, int batch, Progress progress) {
    RowBuffer out = new RowBuffer(files.size());
    long[] imageShape = {0, pre.height(), pre.width(), pre.channels()};
    int[] left =
        ImageBatches.forEach(
            files,
            pre,
            batch,
            skipBad,
            b -> {
              imageShape[0] = b.rows();
              float[] x =
                  ExampleLayout.fit(b.features(), imageShape.clone(), modelShape, name).data();
              out.add(model.apply(x, b.rows()), b.rows());
              progress.rowsDone(b.files()[b.rows() - 1] + 1, files.size());
            });
    if (left.length == files.size()) {
      throw GraftException.badInput(
          name
              + ": none of its "
              + files.size()
              + " images could be decoded, e.g. "
              + files.get(0));
    }
    return withFeatures(out.values(), out.columns(), left);
  }

  @Override
  public Examples withFeatures(float[] features, int columns, int[] leftOut) {
    if (!skipBad && leftOut.length > 0) {
      // computed earlier with bad images skipped; without skipping, the first is an error again
      ImageDecoder.read(files.get(leftOut[0]));
      throw GraftException.badInput(files.get(leftOut[0]) + ": could not be decoded before");
    }
    int[] kept = new int[files.size() - leftOut.length];
    boolean[] out = new boolean[files.size()];
    for (int i : leftOut) {
      out[i] = true;
    }
    int k = 0;
    for (int i = 0; i < files.size(); i++) {
      if (!out[i]) {
        kept[k++] = labels[i];
      }
    }
    if ((long) kept.length * columns != features.length) {
      throw new IllegalStateException(
          features.length + " features for " + kept.length + " images of " + columns);
    }
    this.leftOut = leftOut.clone();
    return new Examples(features, kept, columns, outputs);
  }

  @Override
  public int[] leftOut() {
    return leftOut == null ? null : leftOut.clone();
  }

  /** The files a pass left out, in order (empty before any pass). */
  public List<Path> leftOutFiles() {
    int[] left = leftOut;
    return left == null ? List.of() : Arrays.stream(left).mapToObj(files::get).toList();
  }

  @Override
  public Examples load() {
    return through((rows, n) -> rows, 256, Progress.NONE);
  }
}
