package dev.graft.trainer.data;

import dev.graft.data.ImageDecoder;
import dev.graft.data.ImageFolder;
import dev.graft.data.Preprocessing;
import java.util.stream.IntStream;

/**
 * A folder of labelled images as a task: every image decoded and preprocessed for the model (in
 * memory, one image per core at a time), classes numbered in the folder's sorted order. Without a
 * test split the validation images are also the test images, and the report says so.
 */
public final class ImageFolderTask {
  private ImageFolderTask() {}

  public static TaskData load(ImageFolder folder, Preprocessing pre, String name) {
    int k = folder.classes().size();
    Task task = Task.ofOwnClasses(name, k, "image folders");
    Examples train = examples(folder.train(), pre, k);
    Examples valid = examples(folder.valid(), pre, k);
    Examples test = folder.test() == null ? valid : examples(folder.test(), pre, k);
    return TaskData.ofOwn(task, train, valid, test);
  }

  /** Decoded, preprocessed examples of a split, labelled with {@code labels} (one per file). */
  public static Examples examples(
      ImageFolder.Split split, int[] labels, Preprocessing pre, int outputs) {
    Examples e = examples(split, pre, outputs);
    return new Examples(e.features(), labels.clone(), e.featureCount(), outputs);
  }

  private static Examples examples(ImageFolder.Split split, Preprocessing pre, int classes) {
    int d = pre.width() * pre.height() * pre.channels();
    int n = split.size();
    float[] x = new float[n * d];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              float[] one = pre.apply(ImageDecoder.read(split.files().get(i)));
              System.arraycopy(one, 0, x, i * d, d);
            });
    return new Examples(x, split.labels().clone(), d, classes);
  }
}
