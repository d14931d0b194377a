package dev.graft.trainer.data;

import dev.graft.GraftException;
import dev.graft.data.ImageDecoder;
import dev.graft.data.ImageFolder;
import dev.graft.data.Preprocessing;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A folder of labelled images as a task: every image decoded and preprocessed for the model (in
 * memory, one image per core at a time), classes numbered in the folder's sorted order. Without a
 * test split the validation images are also the test images, and the report says so.
 */
public final class ImageFolderTask {
  private ImageFolderTask() {}

  public static TaskData load(ImageFolder folder, Preprocessing pre, String name) {
    return load(folder, pre, name, null);
  }

  /**
   * {@code skipped}: where to list images that cannot be decoded, which are then left out (graft's
   * --skip-bad); null: such an image is an error naming it.
   */
  public static TaskData load(
      ImageFolder folder, Preprocessing pre, String name, List<Path> skipped) {
    int k = folder.classes().size();
    Task task = Task.ofOwnClasses(name, k);
    Examples train = examples(folder.train(), folder.train().labels(), pre, k, skipped);
    Examples valid = examples(folder.valid(), folder.valid().labels(), pre, k, skipped);
    Examples test =
        folder.test() == null
            ? valid
            : examples(folder.test(), folder.test().labels(), pre, k, skipped);
    return TaskData.ofOwn(task, train, valid, test);
  }

  /**
   * Decoded, preprocessed examples of a split (one image per core at a time), labelled with {@code
   * labels} (one per file); images that cannot be decoded are listed in {@code skipped} and left
   * out, or, with {@code skipped} null, refused naming the file.
   */
  public static Examples examples(
      ImageFolder.Split split, int[] labels, Preprocessing pre, int outputs, List<Path> skipped) {
    int d = pre.width() * pre.height() * pre.channels();
    int n = split.size();
    float[] x = new float[n * d];
    boolean[] bad = new boolean[n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              try {
                float[] one = pre.apply(ImageDecoder.read(split.files().get(i)));
                System.arraycopy(one, 0, x, i * d, d);
              } catch (GraftException e) {
                if (skipped == null || e.kind() != GraftException.Kind.BAD_INPUT) {
                  throw e;
                }
                bad[i] = true;
              }
            });
    int kept = 0;
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      if (bad[i]) {
        skipped.add(split.files().get(i));
        continue;
      }
      System.arraycopy(x, i * d, x, kept * d, d);
      y[kept++] = labels[i];
    }
    return new Examples(
        kept == n ? x : Arrays.copyOf(x, kept * d), Arrays.copyOf(y, kept), d, outputs);
  }
}
