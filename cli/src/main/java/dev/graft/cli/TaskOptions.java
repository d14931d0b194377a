package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.data.ArrayData;
import dev.graft.data.ImageFolder;
import dev.graft.trainer.data.DataOptions;
import dev.graft.trainer.data.DataSource;
import dev.graft.trainer.data.FashionMnist;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Which Fashion-MNIST task: a preset (--task), or --exclude / --classes with --positive. */
final class TaskOptions {
  @Option(
      names = "--task",
      paramLabel = "NAME",
      description =
          "A preset: shirt-vs-sandal, pullover-vs-tshirt, all-but-sandal-shirt, all-but-tshirt-pullover, all.")
  String task;

  @Option(
      names = "--exclude",
      split = ",",
      paramLabel = "C",
      description = "Every class but these, the rest renumbered in order (e.g. 5,6).")
  List<Integer> exclude;

  @Option(
      names = "--classes",
      split = ",",
      paramLabel = "C",
      description = "Only these classes, in this order.")
  List<Integer> classes;

  @Option(
      names = "--positive",
      paramLabel = "C",
      description = "With two --classes: a binary task, this class is 1.")
  Integer positive;

  @Option(
      names = "--train-limit",
      paramLabel = "N",
      description = "Keep only the first N training images of the task.")
  Integer trainLimit;

  @Option(
      names = "--data",
      paramLabel = "DIR|FILE",
      description =
          "Fashion-MNIST folder (else $GRAFT_DATA, ~/.keras/datasets/fashion-mnist, /usr/share/datasets/fashion-mnist); for finetune and eval also a folder of images, one folder per class (optional train/, val/, test/ splits), or labelled arrays: a .npz with x and y (or x_train, y_train, x_test, y_test), a pair X.npy,Y.npy, or a CSV with a header and a --label column.")
  Path data;

  @Option(
      names = "--label",
      paramLabel = "COLUMN",
      description = "With --data FILE.csv: the column holding the class (default: label).")
  String label;

  /** The folder of class folders --data names (the user's images), or null. */
  Path imageFolder() {
    if (data == null || !ImageFolder.looksLikeOne(data)) {
      return null;
    }
    refuseTask("class folders");
    return data;
  }

  /** The labelled arrays --data names, or null when it names a folder or nothing. */
  ArrayData arrays() {
    if (data == null || !ArrayData.looksLikeOne(data.toString())) {
      if (label != null) {
        throw GraftException.usage("--label goes with --data FILE.csv");
      }
      return null;
    }
    refuseTask("labelled arrays");
    return ArrayData.load(data.toString(), label);
  }

  /**
   * What --data names for a command that trains: a folder of class folders, labelled arrays, or a
   * Fashion-MNIST task (--task, --exclude, --classes, or {@code fallback}), read with {@code
   * options} (and --label).
   */
  DataSource source(DataOptions options, String fallback) {
    Path dir = imageFolder();
    if (dir != null) {
      return DataSource.imageFolder(dir).with(options);
    }
    if (data != null && ArrayData.looksLikeOne(data.toString())) {
      refuseTask("labelled arrays");
      return DataSource.arrays(data.toString())
          .with(options.toBuilder().labelColumn(label).build());
    }
    if (label != null) {
      throw GraftException.usage("--label goes with --data FILE.csv");
    }
    return DataSource.fashionMnist(data, resolve(fallback));
  }

  /** --data holds the user's own {@code what}: a Fashion-MNIST task cannot go with it. */
  private void refuseTask(String what) {
    if (given()) {
      throw GraftException.usage(
          "--data " + data + " holds " + what + ": it goes without --task, --classes, --exclude");
    }
  }

  boolean given() {
    return task != null || exclude != null || classes != null;
  }

  /** The task, or {@code fallback} (a preset name) when none was given; null fallback: required. */
  Task resolve(String fallback) {
    int ways = (task != null ? 1 : 0) + (exclude != null ? 1 : 0) + (classes != null ? 1 : 0);
    if (ways > 1) {
      throw GraftException.usage("give only one of --task, --exclude, --classes");
    }
    if (positive != null && classes == null) {
      throw GraftException.usage("--positive goes with --classes");
    }
    Task t;
    if (task != null) {
      t = Task.preset(task);
    } else if (exclude != null) {
      t = Task.exclude("exclude-" + join(exclude), exclude, 0);
    } else if (classes != null) {
      t = new Task("classes-" + join(classes), classes, positive, 0);
    } else if (fallback != null) {
      t = Task.preset(fallback);
    } else {
      throw GraftException.usage(
          "say which task: --task NAME, --exclude C,C or --classes C,C [--positive C]");
    }
    return trainLimit != null ? t.withTrainLimit(trainLimit) : t;
  }

  TaskData load(Task t) {
    return TaskData.of(FashionMnist.load(data), t);
  }

  private static String join(List<Integer> values) {
    return String.join("-", values.stream().map(String::valueOf).toList());
  }
}
