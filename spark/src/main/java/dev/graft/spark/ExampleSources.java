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
import org.apache.spark.sql.SparkSession;

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

  /**
   * Whether {@code input} names images (a folder, an image file, or a file system URI that is not
   * an array file) rather than an array file.
   */
  public static boolean isImages(String input) {
    if (HadoopListing.isUri(input)) {
      return !List.of("npy", "npz", "csv", "parquet").contains(OutputFiles.extension(input));
    }
    Path p = Path.of(input);
    try {
      return Files.isDirectory(p) || (Files.isRegularFile(p) && ImageFormats.sniff(p) != null);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * What {@code graft predict --input} takes: a folder, an image, a .npy or a CSV; or images under
   * a file system URI (hdfs://, s3a://, ...), listed through Hadoop.
   */
  public static ExampleSources forPrediction(
      SparkSession spark,
      String inputName,
      long[] exampleShape,
      Preprocessing pre,
      String recorded,
      String preprocess) {
    if (HadoopListing.isUri(inputName) && isImages(inputName)) {
      HadoopListing.Images images = HadoopListing.images(spark, inputName);
      List<Example> examples = new ArrayList<>();
      for (HadoopListing.Listed f : images.images()) {
        examples.add(listed(examples.size(), inputName, f, -1, ""));
      }
      return new ExampleSources(examples, List.of(), pre, null, images.skipped(), false);
    }
    arraysAreLocal(inputName);
    Path input = Path.of(inputName);
    if (isImages(inputName)) {
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
      SparkSession spark,
      String data,
      String labelColumn,
      long[] exampleShape,
      Preprocessing pre,
      String recorded,
      double valSplit,
      long seed) {
    if (HadoopListing.isUri(data) && isImages(data)) {
      HadoopListing.Images listing = HadoopListing.images(spark, data);
      java.util.Map<String, HadoopListing.Listed> byPath = new java.util.HashMap<>();
      listing.images().forEach(f -> byPath.put(f.relative(), f));
      ImageFolder folder =
          ImageFolder.fromListing(
              listing.images().stream().map(HadoopListing.Listed::relative).toList(),
              listing.skipped(),
              valSplit,
              seed);
      List<Example> examples = new ArrayList<>();
      for (String split : List.of(TRAIN, VALID, TEST)) {
        ImageFolder.Split s =
            split.equals(TRAIN)
                ? folder.train()
                : split.equals(VALID) ? folder.valid() : folder.test();
        for (int i = 0; s != null && i < s.size(); i++) {
          HadoopListing.Listed f = byPath.get(s.files().get(i).toString());
          examples.add(listed(examples.size(), data, f, s.labels()[i], split));
        }
      }
      return new ExampleSources(
          examples, folder.classes(), pre, null, folder.skipped(), folder.test() != null);
    }
    arraysAreLocal(data);
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

  /** A listed file, named in reports as the input as given followed by its relative path. */
  private static Example listed(
      long id, String input, HadoopListing.Listed f, int label, String split) {
    String root = input.endsWith("/") ? input.substring(0, input.length() - 1) : input;
    String name = f.relative().isEmpty() ? root : root + "/" + f.relative();
    return new Example(id, name, f.uri(), null, label, split, null);
  }

  /** Arrays are read on the driver: a URI naming one is refused, saying so. */
  private static void arraysAreLocal(String input) {
    if (HadoopListing.isUri(input)) {
      throw GraftException.usage(
          input
              + ": arrays (.npy, .npz, CSV) are read on the driver from a local path; on a"
              + " cluster file system, store them as Parquet (graft spark predict reads it"
              + " where it lies)");
    }
  }

  private static Example image(long id, Path file, int label, String split) {
    return new Example(
        id, file.toString(), file.toAbsolutePath().toUri().toString(), null, label, split, null);
  }

  private static void addImages(List<Example> out, ImageFolder.Split split, String name) {
    for (int i = 0; i < split.size(); i++) {
      out.add(image(out.size(), split.files().get(i), split.labels()[i], name));
    }
  }

  private static void addArrays(
      List<Example> out, LabelledArrays a, long[] exampleShape, ArrayScaling scaling, String name) {
    float[] x =
        ExampleLayout.fitRows(
            a.features(), a.size(), a.exampleShape(), exampleShape, a.source(), scaling);
    rows(out, x, a.size(), a.labels(), name);
  }

  private static void rows(List<Example> out, float[] x, int n, int[] labels, String split) {
    int d = x.length / Math.max(1, n);
    for (int i = 0; i < n; i++) {
      float[] row = java.util.Arrays.copyOfRange(x, i * d, (i + 1) * d);
      int label = labels == null ? -1 : labels[i];
      String name = split.isEmpty() ? "row " + i : split + " row " + i;
      out.add(new Example(out.size(), name, null, row, label, split, null));
    }
  }
}
