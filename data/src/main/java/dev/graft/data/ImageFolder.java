package dev.graft.data;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Labelled images in Keras's image_dataset_from_directory layout: {@code DIR/<class>/*}, classes in
 * the sorted order of their folder names; {@code DIR/train}, {@code DIR/val} (or {@code
 * validation}) and {@code DIR/test} used as splits when present, otherwise a validation part drawn
 * from each class with the seed (stratified).
 *
 * @param classes the class names (folder names), sorted
 * @param train the training images
 * @param valid the validation images
 * @param test the test images, or null when the folder has no test split
 * @param skipped files that were not images (hidden ones included)
 */
public record ImageFolder(List<String> classes, Split train, Split valid, Split test, int skipped) {

  /** Image files and their class indices. */
  public record Split(List<Path> files, int[] labels) {
    public int size() {
      return files.size();
    }
  }

  /** Whether {@code dir} looks like this layout: a folder holding folders (not IDX files). */
  public static boolean looksLikeOne(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."));
    } catch (IOException e) {
      return false;
    }
  }

  public static ImageFolder scan(Path dir, double validationSplit, long seed) {
    Path train = dir.resolve("train");
    if (Files.isDirectory(train)) {
      Path val =
          Files.isDirectory(dir.resolve("val")) ? dir.resolve("val") : dir.resolve("validation");
      Path test = dir.resolve("test");
      Labelled t = labelled(train, null);
      Labelled v = Files.isDirectory(val) ? labelled(val, t.classes) : null;
      Labelled te = Files.isDirectory(test) ? labelled(test, t.classes) : null;
      Split[] tv =
          v != null ? new Split[] {t.split, v.split} : draw(t.split, validationSplit, seed);
      int skipped = t.skipped + (v == null ? 0 : v.skipped) + (te == null ? 0 : te.skipped);
      return new ImageFolder(t.classes, tv[0], tv[1], te == null ? null : te.split, skipped);
    }
    Labelled all = labelled(dir, null);
    Split[] tv = draw(all.split, validationSplit, seed);
    return new ImageFolder(all.classes, tv[0], tv[1], null, all.skipped);
  }

  /**
   * The same layout read from a listing rather than a folder: the images' paths relative to the
   * data's root ('/'-separated), as a file system that graft cannot walk itself lists them
   * (Hadoop's, for Spark). Classes, their order, the splits and the seeded validation part come out
   * as {@link #scan} gives them for the same files; files directly in the root or a split folder
   * are not in any class and are left out. {@code skipped}: files the caller already left out.
   */
  public static ImageFolder fromListing(
      List<String> images, int skipped, double validationSplit, long seed) {
    List<String> sorted = images.stream().sorted().toList();
    boolean splits = sorted.stream().anyMatch(p -> p.startsWith("train/"));
    if (!splits) {
      Split all = listed(sorted, "", null, "the data");
      Split[] tv = draw(all, validationSplit, seed);
      return new ImageFolder(classesOf(sorted, ""), tv[0], tv[1], null, skipped);
    }
    List<String> classes = classesOf(sorted, "train/");
    Split train = listed(sorted, "train/", classes, "train");
    String valPrefix = sorted.stream().anyMatch(p -> p.startsWith("val/")) ? "val/" : "validation/";
    boolean hasVal = sorted.stream().anyMatch(p -> p.startsWith(valPrefix));
    boolean hasTest = sorted.stream().anyMatch(p -> p.startsWith("test/"));
    Split[] tv =
        hasVal
            ? new Split[] {train, listed(sorted, valPrefix, classes, valPrefix)}
            : draw(train, validationSplit, seed);
    Split test = hasTest ? listed(sorted, "test/", classes, "test") : null;
    return new ImageFolder(classes, tv[0], tv[1], test, skipped);
  }

  /** The class folders that hold images below {@code prefix}, in listing order. */
  private static Stream<String> classFolders(List<String> sorted, String prefix) {
    return sorted.stream()
        .filter(p -> p.startsWith(prefix))
        .map(p -> p.substring(prefix.length()))
        .filter(p -> p.indexOf('/') > 0)
        .map(p -> p.substring(0, p.indexOf('/')))
        .distinct();
  }

  private static List<String> classesOf(List<String> sorted, String prefix) {
    List<String> classes = classFolders(sorted, prefix).sorted().toList();
    if (classes.size() < 2) {
      throw GraftException.badInput(
          (prefix.isEmpty() ? "the data" : prefix)
              + ": "
              + classes.size()
              + " class folder(s) with images; a classifier needs at least two");
    }
    return classes;
  }

  /** The images under {@code prefix}, labelled by their class folder, grouped in class order. */
  private static Split listed(
      List<String> sorted, String prefix, List<String> expected, String name) {
    List<String> names = expected != null ? expected : classesOf(sorted, prefix);
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int c = 0; c < names.size(); c++) {
      String classPrefix = prefix + names.get(c) + "/";
      for (String p : sorted) {
        if (p.startsWith(classPrefix)) {
          files.add(Path.of(p));
          labels.add(c);
        }
      }
    }
    List<String> unknown = classFolders(sorted, prefix).filter(c -> !names.contains(c)).toList();
    if (!unknown.isEmpty()) {
      throw GraftException.badInput(name + ": classes not in the training split: " + unknown);
    }
    return new Split(files, labels.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * The images to evaluate a model on: {@code DIR/test} when the folder has splits, else every
   * image of its class folders.
   */
  public static ImageFolder forEvaluation(Path dir) {
    Path test = dir.resolve("test");
    Labelled all = labelled(Files.isDirectory(test) ? test : dir, null);
    return new ImageFolder(all.classes, null, null, all.split, all.skipped);
  }

  private record Labelled(List<String> classes, Split split, int skipped) {}

  /** One split folder; {@code expected} classes (from train) when it must have the same ones. */
  private static Labelled labelled(Path dir, List<String> expected) {
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(dir)) {
      classDirs =
          s.filter(Files::isDirectory)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw GraftException.badInput(dir + ": cannot read: " + e.getMessage(), e);
    }
    List<String> classes = classDirs.stream().map(p -> p.getFileName().toString()).toList();
    if (expected == null && classes.size() < 2) {
      throw GraftException.badInput(
          dir + ": " + classes.size() + " class folder(s); a classifier needs at least two");
    }
    if (expected != null && !expected.containsAll(classes)) {
      List<String> unknown = new ArrayList<>(classes);
      unknown.removeAll(expected);
      throw GraftException.badInput(dir + ": classes not in the training split: " + unknown);
    }
    List<String> names = expected != null ? expected : classes;
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    int skipped = 0;
    for (Path classDir : classDirs) {
      ImageFiles images;
      try {
        images = ImageFiles.collect(classDir);
      } catch (GraftException e) {
        throw GraftException.badInput(
            classDir + ": no images in this class folder (" + e.getMessage() + ")");
      }
      int label = names.indexOf(classDir.getFileName().toString());
      files.addAll(images.files());
      images.files().forEach(f -> labels.add(label));
      skipped += images.skipped();
    }
    return new Labelled(
        names, new Split(files, labels.stream().mapToInt(Integer::intValue).toArray()), skipped);
  }

  /** A stratified validation part: per class, the fraction drawn with the seed. */
  private static Split[] draw(Split all, double fraction, long seed) {
    int[][] parts = StratifiedSplit.indices(all.labels(), fraction, seed);
    return new Split[] {pick(all, parts[0]), pick(all, parts[1])};
  }

  private static Split pick(Split all, int[] at) {
    List<Path> files = new ArrayList<>();
    int[] labels = new int[at.length];
    for (int k = 0; k < at.length; k++) {
      files.add(all.files().get(at[k]));
      labels[k] = all.labels()[at[k]];
    }
    return new Split(files, labels);
  }
}
