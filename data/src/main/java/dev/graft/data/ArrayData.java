package dev.graft.data;

import dev.graft.GraftException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Labelled arrays to fine-tune or evaluate on, from a file: a NumPy {@code .npz} with {@code x} and
 * {@code y} (or Keras's {@code x_train}, {@code y_train}, and {@code x_test}, {@code y_test} as the
 * test split), a pair of {@code .npy} files given as {@code X.npy,Y.npy}, or a CSV with a header
 * and a label column. {@code test} is null when the source has no test split.
 */
public record ArrayData(LabelledArrays train, LabelledArrays test) {

  /** Whether {@code --data} names arrays rather than a folder or Fashion-MNIST. */
  public static boolean looksLikeOne(String spec) {
    String s = spec.toLowerCase(Locale.ROOT);
    return s.endsWith(".npz") || s.endsWith(".csv") || s.endsWith(".npy");
  }

  /** An x and y pair as the file holds them, before y is read as classes or as targets. */
  public record Pair(Npy.Array x, Npy.Array y, String label) {}

  /**
   * The pair to evaluate on, as NumPy holds it: an .npz's x_test/y_test when it has them, else its
   * x/y (or x_train/y_train); or an X.npy,Y.npy pair.
   */
  public static Pair evaluationPair(String spec) {
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv")) {
      throw GraftException.parameter(
          "data", spec + ": regression targets are read from .npz or X.npy,Y.npy");
    }
    if (lower.endsWith(".npz")) {
      Path file = existing(spec);
      Map<String, Npy.Array> a = Npz.read(file);
      for (String[] keys :
          new String[][] {{"x_test", "y_test"}, {"x", "y"}, {"x_train", "y_train"}}) {
        if (a.containsKey(keys[0]) && a.containsKey(keys[1])) {
          // named as trainingPairs names them: the file for its x and y
          String label =
              keys[0].equals("x") ? file.toString() : file + "[" + keys[0] + ", " + keys[1] + "]";
          return new Pair(a.get(keys[0]), a.get(keys[1]), label);
        }
      }
      throw GraftException.badInput(
          file
              + ": holds arrays "
              + List.copyOf(a.keySet())
              + "; expected x and y, or x_test and y_test");
    }
    return npyPair(spec);
  }

  /** {@code X.npy,Y.npy}: the examples, then their labels or targets. */
  private static Pair npyPair(String spec) {
    String[] pair = spec.split(",");
    if (pair.length != 2) {
      throw GraftException.parameter(
          "data", spec + ": give .npy arrays as a pair, X.npy,Y.npy (examples, then labels)");
    }
    Path x = existing(pair[0]);
    Path y = existing(pair[1]);
    return new Pair(Npy.read(x), Npy.read(y), x + "," + y);
  }

  /**
   * Whether y holds regression targets rather than classes: a value that is not a whole number from
   * 0 (a fraction, a negative number). Whole-number targets read as classes unless told.
   */
  public static boolean holdsTargets(Npy.Array y) {
    for (float v : y.data()) {
      if (!(v >= 0) || v != Math.rint(v)) {
        return true;
      }
    }
    return false;
  }

  /** {@code labelColumn}: for CSV, the label's column (null: "label"). */
  public static ArrayData load(String spec, String labelColumn) {
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv")) {
      return new ArrayData(CsvTable.read(existing(spec), labelColumn), null);
    }
    refuseLabelColumn(spec, labelColumn);
    return ofClasses(trainingPairs(spec));
  }

  /** A label column names a CSV file's column: refused for any other file. */
  public static void refuseLabelColumn(String spec, String labelColumn) {
    if (labelColumn != null && !spec.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      throw GraftException.parameter(
          "labelColumn", "names a CSV column; " + spec + " is not a CSV file");
    }
  }

  /** {@link #trainingPairs}, already read, with y read as classes. */
  public static ArrayData ofClasses(Pair[] pairs) {
    LabelledArrays train = LabelledArrays.of(pairs[0].x(), pairs[0].y(), pairs[0].label());
    LabelledArrays test =
        pairs[1] == null ? null : LabelledArrays.of(pairs[1].x(), pairs[1].y(), pairs[1].label());
    return new ArrayData(train, test);
  }

  /**
   * The pairs to train on, as NumPy holds them, before y is read as classes or as targets: an
   * .npz's x/y, or its x_train/y_train with x_test/y_test as the test pair when it has them; an
   * X.npy,Y.npy pair. The second is null when there is no test pair.
   */
  public static Pair[] trainingPairs(String spec) {
    if (spec.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      throw GraftException.parameter(
          "data", spec + ": regression targets are read from .npz or X.npy,Y.npy");
    }
    if (!spec.toLowerCase(Locale.ROOT).endsWith(".npz")) {
      return new Pair[] {npyPair(spec), null};
    }
    Path file = existing(spec);
    Map<String, Npy.Array> a = Npz.read(file);
    if (a.containsKey("x") && a.containsKey("y")) {
      return new Pair[] {new Pair(a.get("x"), a.get("y"), file.toString()), null};
    }
    if (a.containsKey("x_train") && a.containsKey("y_train")) {
      Pair train = new Pair(a.get("x_train"), a.get("y_train"), file + "[x_train, y_train]");
      Pair test =
          a.containsKey("x_test") && a.containsKey("y_test")
              ? new Pair(a.get("x_test"), a.get("y_test"), file + "[x_test, y_test]")
              : null;
      if (test != null && !sameExamples(train.x(), test.x())) {
        throw GraftException.badInput(file + ": x_test's examples are not shaped as x_train's");
      }
      return new Pair[] {train, test};
    }
    throw GraftException.badInput(
        file
            + ": holds arrays "
            + List.copyOf(a.keySet())
            + "; expected x and y, or x_train and y_train (with x_test and y_test)");
  }

  private static boolean sameExamples(Npy.Array a, Npy.Array b) {
    long[] s = a.shape();
    long[] t = b.shape();
    return s.length == t.length
        && java.util.Arrays.equals(
            java.util.Arrays.copyOfRange(s, 1, s.length),
            java.util.Arrays.copyOfRange(t, 1, t.length));
  }

  private static Path existing(String name) {
    Path p = Path.of(name.strip());
    if (!Files.isRegularFile(p)) {
      throw GraftException.parameter("data", name + ": no such file");
    }
    return p;
  }

  /** The number of classes over both splits. */
  public int classCount() {
    int k = train.classNames().size();
    return test == null ? k : Math.max(k, test.classNames().size());
  }
}
