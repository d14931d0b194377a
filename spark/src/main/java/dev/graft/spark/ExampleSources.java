package dev.graft.spark;

import dev.graft.GraftException;
import dev.graft.data.ArrayData;
import dev.graft.data.ArrayScaling;
import dev.graft.data.CsvTable;
import dev.graft.data.ImageFiles;
import dev.graft.data.ImageFolder;
import dev.graft.data.ImageFormats;
import dev.graft.data.LabelledArrays;
import dev.graft.data.Npy;
import dev.graft.data.Preprocessing;
import dev.graft.data.StratifiedSplit;
import dev.graft.runtime.ExampleLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The examples a Spark job runs on, listed on the driver by graft's own data sources, so a Spark
 * run sees the same files in the same order, with the same classes and the same seeded validation
 * split, as {@code graft predict} and {@code graft finetune} on one machine. Images travel as paths
 * (the executors read them); arrays as rows, fitted to the model's input and scaled here.
 *
 * @param preprocessing how images become input; null for arrays
 * @param scaling how array values were scaled; null for images
 * @param skipped files that were not images (hidden ones included)
 */
public record ExampleSources(
    List<Example> examples,
    List<String> classNames,
    Preprocessing preprocessing,
    ArrayScaling scaling,
    int skipped,
    boolean hasTestSplit) {

  public static final String TRAIN = "train";
  public static final String VALID = "valid";
  public static final String TEST = "test";

  /** Whether {@code input} names images (a folder, or an image file) rather than an array file. */
  public static boolean isImages(Path input) {
    try {
      return Files.isDirectory(input)
          || (Files.isRegularFile(input) && ImageFormats.sniff(input) != null);
    } catch (IOException e) {
      return false;
    }
  }

  /** What {@code graft predict --input} takes: a folder, an image, a .npy or a CSV. */
  public static ExampleSources forPrediction(
      Path input, long[] exampleShape, Preprocessing pre, String recorded, String preprocess) {
    if (isImages(input)) {
      ImageFiles images = ImageFiles.collect(input);
      List<Example> examples = new ArrayList<>();
      for (Path f : images.files()) {
        examples.add(image(examples.size(), f, -1, ""));
      }
      return new ExampleSources(examples, List.of(), pre, null, images.skipped(), false);
    }
    Npy.Array array =
        input.toString().toLowerCase(Locale.ROOT).endsWith(".csv")
            ? CsvTable.features(input, null)
            : Npy.read(input);
    ArrayScaling scaling = ArrayScaling.of(array.integers(), recorded, preprocess);
    ExampleLayout.Fitted x =
        ExampleLayout.fit(array.data(), array.shape(), exampleShape, input.toString());
    float[] values = scaling.apply(x.data());
    List<Example> examples = new ArrayList<>();
    rows(examples, values, x.examples(), null, "");
    return new ExampleSources(examples, List.of(), null, scaling, 0, false);
  }

  /**
   * What {@code graft finetune --data} takes: an image folder (Keras's layout, with train/val/test
   * folders or a seeded stratified validation split) or labelled arrays (.npz, X.npy,Y.npy, CSV).
   */
  public static ExampleSources forTraining(
      String data,
      String labelColumn,
      long[] exampleShape,
      Preprocessing pre,
      String recorded,
      double valSplit,
      long seed) {
    Path dir = Path.of(data);
    if (ImageFolder.looksLikeOne(dir)) {
      ImageFolder folder = ImageFolder.scan(dir, valSplit, seed);
      List<Example> examples = new ArrayList<>();
      addImages(examples, folder.train(), TRAIN);
      addImages(examples, folder.valid(), VALID);
      if (folder.test() != null) {
        addImages(examples, folder.test(), TEST);
      }
      return new ExampleSources(
          examples, folder.classes(), pre, null, folder.skipped(), folder.test() != null);
    }
    if (!ArrayData.looksLikeOne(data)) {
      throw GraftException.usage(
          "--data " + data + ": an image folder (DIR/<class>/*), .npz, X.npy,Y.npy or .csv");
    }
    ArrayData arrays = ArrayData.load(data, labelColumn);
    ArrayScaling scaling = ArrayScaling.of(arrays.train().integerFeatures(), recorded, "auto");
    int[][] parts = StratifiedSplit.indices(arrays.train().labels(), valSplit, seed);
    List<Example> examples = new ArrayList<>();
    addArrays(examples, arrays.train().pick(parts[0]), exampleShape, scaling, TRAIN);
    addArrays(examples, arrays.train().pick(parts[1]), exampleShape, scaling, VALID);
    if (arrays.test() != null) {
      addArrays(examples, arrays.test(), exampleShape, scaling, TEST);
    }
    int k = arrays.classCount();
    List<String> classes =
        arrays.train().classNames().size() == k
            ? arrays.train().classNames()
            : LabelledArrays.numbered(k);
    return new ExampleSources(examples, classes, null, scaling, 0, arrays.test() != null);
  }

  /** How many examples a split holds. */
  public long count(String split) {
    return examples.stream().filter(e -> e.split().equals(split)).count();
  }

  private static Example image(long id, Path file, int label, String split) {
    return new Example(
        id, file.toString(), file.toAbsolutePath().toUri().toString(), null, label, split);
  }

  private static void addImages(List<Example> out, ImageFolder.Split split, String name) {
    for (int i = 0; i < split.size(); i++) {
      out.add(image(out.size(), split.files().get(i), split.labels()[i], name));
    }
  }

  private static void addArrays(
      List<Example> out, LabelledArrays a, long[] exampleShape, ArrayScaling scaling, String name) {
    long[] shape = new long[a.exampleShape().length + 1];
    shape[0] = a.size();
    System.arraycopy(a.exampleShape(), 0, shape, 1, a.exampleShape().length);
    float[] x =
        scaling.apply(ExampleLayout.fit(a.features(), shape, exampleShape, a.source()).data());
    rows(out, x, a.size(), a.labels(), name);
  }

  private static void rows(List<Example> out, float[] x, int n, int[] labels, String split) {
    int d = x.length / Math.max(1, n);
    for (int i = 0; i < n; i++) {
      float[] row = java.util.Arrays.copyOfRange(x, i * d, (i + 1) * d);
      int label = labels == null ? -1 : labels[i];
      String name = split.isEmpty() ? "row " + i : split + " row " + i;
      out.add(new Example(out.size(), name, null, row, label, split));
    }
  }
}
