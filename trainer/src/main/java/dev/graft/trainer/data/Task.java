package dev.graft.trainer.data;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which Fashion-MNIST classes a task uses and how they are labelled: either every class but some
 * ({@code --exclude 5,6}, the rest renumbered in order), or a chosen list ({@code --classes 5,6});
 * with {@code --positive} a two-class task becomes binary (label 1 for the positive class). {@code
 * trainLimit} keeps only the first N training images of the task (0: all). A task on the user's own
 * data has {@code ownNames}, its classes' names (any number of classes); Fashion-MNIST's have null.
 * A {@code regression} task has no classes but targets: one "class" per output, named by its
 * column.
 */
public record Task(
    String name,
    List<Integer> classes,
    Integer positive,
    int trainLimit,
    List<String> ownNames,
    boolean regression) {

  /** The chapter's tasks, by name. */
  public static final Map<String, Task> PRESETS =
      Map.of(
          "shirt-vs-sandal", new Task("shirt-vs-sandal", List.of(5, 6), 6, 200),
          "pullover-vs-tshirt", new Task("pullover-vs-tshirt", List.of(0, 2), 2, 200),
          "all-but-sandal-shirt", exclude("all-but-sandal-shirt", List.of(5, 6), 0),
          "all-but-tshirt-pullover", exclude("all-but-tshirt-pullover", List.of(0, 2), 0),
          "all", exclude("all", List.of(), 0));

  /** A Fashion-MNIST task. */
  public Task(String name, List<Integer> classes, Integer positive, int trainLimit) {
    this(name, classes, positive, trainLimit, null, false);
  }

  /** A classification task. */
  public Task(
      String name, List<Integer> classes, Integer positive, int trainLimit, List<String> ownNames) {
    this(name, classes, positive, trainLimit, ownNames, false);
  }

  /** Targets to regress, {@code outputs} values per example (MSE loss, a linear head). */
  public static Task regression(String name, int outputs) {
    List<Integer> columns = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int c = 0; c < outputs; c++) {
      columns.add(c);
      names.add("target_" + c);
    }
    return new Task(name, columns, null, 0, names, true);
  }

  public Task {
    classes = List.copyOf(classes);
    ownNames = ownNames == null ? null : List.copyOf(ownNames);
    if (ownNames != null && (ownNames.size() != classes.size() || positive != null)) {
      throw new IllegalArgumentException("own classes: one name per class, no positive class");
    }
    if (classes.isEmpty()) {
      throw GraftException.usage("a task needs at least one class");
    }
    if (new TreeSet<>(classes).size() != classes.size()) {
      throw GraftException.usage("task classes repeat a class: " + classes);
    }
    for (int c : classes) {
      if (ownNames == null && (c < 0 || c > 9)) {
        throw GraftException.usage("Fashion-MNIST classes are 0..9, not " + c);
      }
    }
    if (positive != null && (classes.size() != 2 || !classes.contains(positive))) {
      throw GraftException.parameter(
          "positive",
          "must be one of exactly two classes (got classes "
              + classes
              + ", positive "
              + positive
              + ")");
    }
    if (trainLimit < 0) {
      throw GraftException.parameter("trainLimit", "must be >= 0, not " + trainLimit);
    }
  }

  /**
   * The user's own classes, numbered 0..k-1 and named "0".."k-1" (their real names travel with the
   * data). Any number from two.
   */
  public static Task ofOwnClasses(String name, int k) {
    if (k < 2) {
      throw GraftException.badInput(name + ": every example has the same class; nothing to learn");
    }
    List<Integer> classes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      classes.add(c);
      names.add(String.valueOf(c));
    }
    return new Task(name, classes, null, 0, names);
  }

  public static Task preset(String name) {
    Task task = PRESETS.get(name);
    if (task == null) {
      throw GraftException.usage(
          "unknown task '" + name + "'; known tasks: " + new TreeSet<>(PRESETS.keySet()));
    }
    return task;
  }

  /** Every class except {@code excluded}, renumbered in order. */
  public static Task exclude(String name, List<Integer> excluded, int trainLimit) {
    List<Integer> kept = new ArrayList<>();
    for (int c = 0; c < 10; c++) {
      if (!excluded.contains(c)) {
        kept.add(c);
      }
    }
    for (int c : excluded) {
      if (c < 0 || c > 9) {
        throw GraftException.usage("Fashion-MNIST classes are 0..9, not " + c);
      }
    }
    return new Task(name, kept, null, trainLimit);
  }

  public Task withTrainLimit(int limit) {
    return new Task(name, classes, positive, limit, ownNames, regression);
  }

  public boolean binary() {
    return positive != null;
  }

  /** Number of outputs a model for this task has: 1 for binary tasks, else one per class. */
  public int outputs() {
    return binary() ? 1 : classes.size();
  }

  public int numClasses() {
    return binary() ? 2 : classes.size();
  }

  /** The task's label for an original class, or -1 when the class is not in the task. */
  public int label(int originalClass) {
    int index = classes.indexOf(originalClass);
    if (index < 0) {
      return -1;
    }
    return binary() ? (originalClass == positive ? 1 : 0) : index;
  }

  /** Names of the task's labels, in label order. */
  public List<String> labelNames() {
    if (ownNames != null) {
      return ownNames;
    }
    if (binary()) {
      int negative = classes.get(0).equals(positive) ? classes.get(1) : classes.get(0);
      return List.of(
          FashionMnist.CLASS_NAMES.get(negative), FashionMnist.CLASS_NAMES.get(positive));
    }
    return classes.stream().map(FashionMnist.CLASS_NAMES::get).toList();
  }

  /**
   * A short text for reports: "shirt-vs-sandal (classes [5, 6], positive 6, first 200 training
   * images)".
   */
  public String describe() {
    if (regression) {
      return name
          + " (regression, "
          + classes.size()
          + " target"
          + (classes.size() > 1 ? "s)" : ")");
    }
    return name
        + " (classes "
        + classes
        + (binary() ? ", positive " + positive : "")
        + (trainLimit > 0 ? ", first " + trainLimit + " training images" : "")
        + ")";
  }
}
