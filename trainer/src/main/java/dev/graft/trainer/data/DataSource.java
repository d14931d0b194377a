package dev.graft.trainer.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.data.ArrayData;
import dev.graft.data.ArrayScaling;
import dev.graft.data.ImageFolder;
import dev.graft.data.LabelledArrays;
import dev.graft.data.Npy;
import dev.graft.data.Npz;
import dev.graft.data.Preprocessing;
import dev.graft.data.RegressionArrays;
import dev.graft.runtime.ExampleLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled examples the user brings, not yet read: a folder of images in Keras's {@code
 * image_dataset_from_directory} layout, labelled arrays (a {@code .npz}, a pair {@code
 * X.npy,Y.npy}, a CSV with a label column), or one of the chapter's Fashion-MNIST tasks. {@link
 * #prepare} reads them for one model: images decoded, resized and scaled as the model expects,
 * arrays fitted to its input. Nothing is read before then, so a fine-tune checks its base model and
 * output first.
 */
public final class DataSource {
  static final String IMAGE_FOLDER = "image_folder";
  static final String ARRAYS = "arrays";
  static final String FASHION_MNIST = "fashion_mnist";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String kind;
  private final Path path;
  private final String spec;
  private final Task task;
  private final DataOptions options;

  private DataSource(String kind, Path path, String spec, Task task, DataOptions options) {
    this.kind = kind;
    this.path = path;
    this.spec = spec;
    this.task = task;
    this.options = options;
  }

  /** {@code DIR/<class>/*}, with optional train/, val/ (or validation/) and test/ splits. */
  public static DataSource imageFolder(Path dir) {
    return new DataSource(IMAGE_FOLDER, dir, dir.toString(), null, DataOptions.defaults());
  }

  /**
   * {@code file.npz} (x and y, or Keras's x_train, y_train, x_test, y_test), {@code X.npy,Y.npy},
   * or {@code file.csv} with a header and the {@link DataOptions#labelColumn()} column.
   */
  public static DataSource arrays(String spec) {
    return new DataSource(ARRAYS, Path.of(spec.split(",")[0]), spec, null, DataOptions.defaults());
  }

  /** A folder of class folders or labelled arrays, whichever {@code path} holds. */
  public static DataSource of(Path path) {
    if (ImageFolder.looksLikeOne(path)) {
      return imageFolder(path);
    }
    if (ArrayData.looksLikeOne(path.toString())) {
      return arrays(path.toString());
    }
    throw GraftException.parameter(
        "data",
        path
            + " is neither a folder of class folders nor labelled arrays (.npz, X.npy,Y.npy,"
            + " .csv)");
  }

  /**
   * A Fashion-MNIST task ({@link Task#preset}); {@code dir}: the IDX files' folder, null for the
   * usual places ({@link FashionMnist#load}).
   */
  public static DataSource fashionMnist(Path dir, Task task) {
    return new DataSource(FASHION_MNIST, dir, task.name(), task, DataOptions.defaults());
  }

  /** What the source holds. */
  public enum Kind {
    IMAGE_FOLDER,
    ARRAYS,
    FASHION_MNIST
  }

  public Kind kind() {
    return switch (kind) {
      case IMAGE_FOLDER -> Kind.IMAGE_FOLDER;
      case ARRAYS -> Kind.ARRAYS;
      default -> Kind.FASHION_MNIST;
    };
  }

  /** The folder or first file (arrays), or Fashion-MNIST's folder (null: the usual places). */
  public Path path() {
    return path;
  }

  /** Arrays as given ({@code X.npy,Y.npy} names two files). */
  public String spec() {
    return spec;
  }

  /** The Fashion-MNIST task; null for the user's own data. */
  public Task task() {
    return task;
  }

  /** The same data read with {@code options}. */
  public DataSource with(DataOptions options) {
    return new DataSource(kind, path, spec, task, options);
  }

  public DataOptions options() {
    return options;
  }

  /** A short name for output files and reports: the folder's or file's name, or the task's. */
  public String name() {
    if (task != null) {
      return task.name();
    }
    String name = path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return kind.equals(ARRAYS) && dot > 0 ? name.substring(0, dot) : name;
  }

  /** The user's own examples, not one of the chapter's Fashion-MNIST tasks. */
  public boolean own() {
    return task == null;
  }

  /**
   * Reads the examples for a model named {@code model} (in messages) that takes examples of {@code
   * inputShape} and records {@code recorded} preprocessing (null: none). A Fashion-MNIST task's
   * images are used as they are, so it needs neither (both may be null).
   */
  public LabelledData prepare(String model, long[] inputShape, String recorded) {
    return switch (kind) {
      case IMAGE_FOLDER -> images(model, inputShape, recorded);
      case ARRAYS -> arrays(inputShape, recorded);
      default -> fashion();
    };
  }

  private LabelledData fashion() {
    TaskData data = TaskData.of(FashionMnist.load(path), task);
    return new LabelledData(
        data,
        task.labelNames(),
        null,
        FASHION_MNIST,
        null,
        String.format("task %s: %d training images", task.describe(), data.train().size()));
  }

  private LabelledData images(String model, long[] inputShape, String recorded) {
    Preprocessing pre =
        Preprocessing.forModel(model, inputShape, recorded, options.preprocess(), options.resize());
    ImageFolder folder = ImageFolder.scan(path, options.valSplit(), options.seed());
    Task task = Task.ofOwnClasses(name(), folder.classes().size());
    ImageExamples train = split(folder.train(), "train", pre, inputShape, task);
    ImageExamples valid = split(folder.valid(), "validation", pre, inputShape, task);
    ImageExamples test =
        folder.test() == null ? valid : split(folder.test(), "test", pre, inputShape, task);
    TaskStreams streams = new TaskStreams(task, train, valid, test);
    String testCount = folder.test() == null ? "the validation images" : null;
    return new LabelledData(
        streams,
        folder.classes(),
        pre.resize() + "+" + pre.scale(),
        IMAGE_FOLDER,
        () -> {
          ObjectNode source = JSON.createObjectNode();
          source.put("path", path.toString());
          source.putPOJO("classes", folder.classes());
          source.put("train", train.kept());
          source.put("validation", valid.kept());
          source.put("test", testCount != null ? testCount : "" + test.kept());
          source.put("skipped_files", folder.skipped());
          source.put("unreadable_images_skipped", unreadable(streams).size());
          source.put("preprocessing", pre.toString());
          return source;
        },
        () -> {
          List<Path> bad = unreadable(streams);
          return String.format(
              "images in %s: classes %s; %d training, %d validation, %s test images"
                  + " (%d other files skipped%s); preprocessed %s",
              path,
              folder.classes(),
              train.kept(),
              valid.kept(),
              testCount != null ? testCount + " as" : "" + test.kept(),
              folder.skipped(),
              bad.isEmpty()
                  ? ""
                  : ", " + bad.size() + " unreadable images left out, e.g. " + bad.get(0),
              pre);
        });
  }

  private ImageExamples split(
      ImageFolder.Split split, String which, Preprocessing pre, long[] inputShape, Task task) {
    return new ImageExamples(
        split.files(),
        split.labels(),
        pre,
        inputShape,
        task.outputs(),
        options.skipBad(),
        path + " (" + which + ")");
  }

  /** The images the passes so far left out, in every split. */
  private static List<Path> unreadable(TaskStreams streams) {
    List<Path> bad = new ArrayList<>();
    bad.addAll(((ImageExamples) streams.train()).leftOutFiles());
    bad.addAll(((ImageExamples) streams.valid()).leftOutFiles());
    if (streams.test() != streams.valid()) { // else the validation images, counted once
      bad.addAll(((ImageExamples) streams.test()).leftOutFiles());
    }
    return bad;
  }

  /** Regression targets: a linear head, MSE loss; no class names. */
  private LabelledData targets(ArrayData.Pair[] pairs, long[] inputShape, String recorded) {
    RegressionArrays train = RegressionArrays.of(pairs[0]);
    RegressionArrays test = pairs[1] == null ? null : RegressionArrays.of(pairs[1]);
    ArrayScaling scaling = ArrayScaling.of(train.integerFeatures(), recorded, options.preprocess());
    TaskData data =
        ArrayTask.loadRegression(
            train, test, inputShape, scaling, options.valSplit(), options.seed(), name());
    return arraysData(
        data,
        List.of(),
        test != null,
        scaling,
        "targets",
        train.width(),
        train.width() + " regression target" + (train.width() == 1 ? "" : "s"));
  }

  private LabelledData arrays(long[] inputShape, String recorded) {
    if (spec.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
      return classes(ArrayData.load(spec, options.labelColumn()), inputShape, recorded);
    }
    return fromPairs(ArrayData.trainingPairs(spec), inputShape, recorded); // the file read once
  }

  /**
   * Labelled arrays for a model with several inputs, named {@code names} (in its order) and taking
   * examples of {@code shapes}: an .npz with one array per input, named as the input, and {@code y}
   * (with NAME_test arrays and y_test as the test split when all are there). Each example's inputs
   * are laid out as the model takes them and joined into one row, in input order; the values are
   * used as they are.
   */
  public LabelledData prepareInputs(String model, List<String> names, List<long[]> shapes) {
    if (!kind.equals(ARRAYS) || !spec.toLowerCase(java.util.Locale.ROOT).endsWith(".npz")) {
      throw GraftException.parameter(
          "data",
          model
              + " takes "
              + names.size()
              + " inputs "
              + names
              + ": give an .npz holding one array per input, named so, and y");
    }
    ArrayData.refuseLabelColumn(spec, options.labelColumn());
    java.util.Map<String, Npy.Array> a = Npz.read(path);
    List<String> needed = new ArrayList<>(names);
    needed.add("y");
    if (!a.keySet().containsAll(needed)) {
      throw GraftException.badInput(
          path + ": holds arrays " + List.copyOf(a.keySet()) + "; " + model + " needs " + needed);
    }
    boolean hasTest =
        a.containsKey("y_test") && names.stream().allMatch(n -> a.containsKey(n + "_test"));
    long width = shapes.stream().mapToLong(DataSource::size).sum();
    ArrayData.Pair[] pairs = {
      joined(a, names, shapes, "", width), hasTest ? joined(a, names, shapes, "_test", width) : null
    };
    return fromPairs(pairs, new long[] {width}, null);
  }

  /** The inputs' arrays {@code NAME + suffix}, fitted to the model and joined row by row. */
  private ArrayData.Pair joined(
      java.util.Map<String, Npy.Array> a,
      List<String> names,
      List<long[]> shapes,
      String suffix,
      long width) {
    Npy.Array y = a.get("y" + suffix);
    int n = (int) y.shape()[0];
    float[] x = new float[Math.toIntExact(n * width)];
    int offset = 0;
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i) + suffix;
      Npy.Array input = a.get(name);
      if (input.shape().length < 1 || input.shape()[0] != n) {
        throw GraftException.badInput(
            path
                + ": '"
                + name
                + "' holds "
                + (input.shape().length < 1 ? 0 : input.shape()[0])
                + " examples and 'y"
                + suffix
                + "' "
                + n);
      }
      float[] rows =
          ExampleLayout.fit(input.data(), input.shape(), shapes.get(i), path + "[" + name + "]")
              .data();
      int d = (int) size(shapes.get(i));
      for (int r = 0; r < n; r++) {
        System.arraycopy(rows, r * d, x, (int) (r * width + offset), d);
      }
      offset += d;
    }
    String label = path + "[" + String.join(", ", names) + suffix + ", y" + suffix + "]";
    return new ArrayData.Pair(new Npy.Array(x, new long[] {n, width}), y, label);
  }

  private static long size(long[] shape) {
    return java.util.Arrays.stream(shape).reduce(1, (p, q) -> p * q);
  }

  /** Arrays already read, with y as regression targets or as classes. */
  private LabelledData fromPairs(ArrayData.Pair[] pairs, long[] inputShape, String recorded) {
    if (options.regression()
        || ArrayData.holdsTargets(pairs[0].y())
        || (pairs[1] != null && ArrayData.holdsTargets(pairs[1].y()))) {
      return targets(pairs, inputShape, recorded);
    }
    ArrayData.refuseLabelColumn(spec, options.labelColumn());
    return classes(ArrayData.ofClasses(pairs), inputShape, recorded);
  }

  private LabelledData classes(ArrayData arrays, long[] inputShape, String recorded) {
    ArrayScaling scaling =
        ArrayScaling.of(arrays.train().integerFeatures(), recorded, options.preprocess());
    TaskData data =
        ArrayTask.load(arrays, inputShape, scaling, options.valSplit(), options.seed(), name());
    int k = data.task().numClasses();
    List<String> classes =
        arrays.train().classNames().size() == k
            ? arrays.train().classNames()
            : LabelledArrays.numbered(k);
    return arraysData(
        data, classes, arrays.test() != null, scaling, "classes", classes, "classes " + classes);
  }

  /**
   * Arrays as labelled data: the source record (path, what the labels are under {@code key}, split
   * sizes, scaling) and the summary line ("arrays in x.npz: classes [a, b]; 200 training, ...").
   */
  private LabelledData arraysData(
      TaskData data,
      List<String> classes,
      boolean hasTest,
      ArrayScaling scaling,
      String key,
      Object labels,
      String what) {
    String test = hasTest ? "" + data.test().size() : "the validation examples";
    ObjectNode source = JSON.createObjectNode();
    source.put("path", spec);
    source.set(key, JSON.valueToTree(labels));
    source.put("train", data.train().size());
    source.put("validation", data.valid().size());
    source.put("test", test);
    source.put("scaling", scaling.toString());
    return new LabelledData(
        data,
        classes,
        null,
        ARRAYS,
        source,
        String.format(
            "arrays in %s: %s; %d training, %d validation, %s test examples; values scaled %s",
            spec,
            what,
            data.train().size(),
            data.valid().size(),
            hasTest ? test : "the validation examples as",
            scaling));
  }
}
