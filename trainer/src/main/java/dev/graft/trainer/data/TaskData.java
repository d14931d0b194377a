package dev.graft.trainer.data;

import dev.graft.GraftException;
import java.util.Arrays;

/**
 * A task's training, validation and test examples, split as the chapter does: validation is the
 * first 5,000 training images, training the other 55,000, test the 10,000 test images; each
 * filtered to the task's classes, and the training part cut to the task's limit.
 */
public record TaskData(Task task, Examples train, Examples valid, Examples test) {
  public static final int VALIDATION_SIZE = 5_000;

  public static TaskData of(FashionMnist data, Task task) {
    FashionMnist.Split train = data.train();
    int trainLimit = task.trainLimit() > 0 ? task.trainLimit() : Integer.MAX_VALUE;
    return new TaskData(
        task,
        select(train, task, VALIDATION_SIZE, train.size(), trainLimit),
        select(train, task, 0, VALIDATION_SIZE, Integer.MAX_VALUE),
        select(data.test(), task, 0, data.test().size(), Integer.MAX_VALUE));
  }

  /** The user's own splits, refused when training or validation is empty. */
  public static TaskData ofOwn(Task task, Examples train, Examples valid, Examples test) {
    if (train.size() == 0 || valid.size() == 0) {
      throw GraftException.badInput(
          task.name()
              + ": "
              + train.size()
              + " training and "
              + valid.size()
              + " validation examples: too few to fine-tune on");
    }
    return new TaskData(task, train, valid, test);
  }

  private static Examples select(FashionMnist.Split split, Task task, int from, int to, int limit) {
    int d = split.pixelsPerImage();
    int[] picked = new int[to - from];
    int n = 0;
    for (int i = from; i < to && n < limit; i++) {
      if (task.label(split.labels()[i]) >= 0) {
        picked[n++] = i;
      }
    }
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int k = 0; k < n; k++) {
      int i = picked[k];
      System.arraycopy(split.pixels(), i * d, x, k * d, d);
      y[k] = task.label(split.labels()[i]);
    }
    return new Examples(x, y, d, task.outputs());
  }

  /** The same examples as streams. */
  public TaskStreams streams() {
    return new TaskStreams(task, train, valid, test);
  }

  /** Counts per label in the training part, for reports. */
  public int[] trainCounts() {
    int[] counts = new int[task.numClasses()];
    Arrays.stream(train.labels()).forEach(l -> counts[l]++);
    return counts;
  }
}
