package dev.graft.trainer.data;

import dev.graft.GraftException;
import dev.graft.data.ArrayData;
import dev.graft.data.ArrayScaling;
import dev.graft.data.LabelledArrays;
import dev.graft.data.RegressionArrays;
import dev.graft.data.StratifiedSplit;
import dev.graft.runtime.ExampleLayout;

/**
 * Labelled arrays (.npz, .npy pairs, CSV) as a task: examples fitted to the model's input layout by
 * shape (channels-last arrays for a channels-first model are transposed), scaled as {@link
 * ArrayScaling} says (whole-number pixels as images are), a stratified validation part drawn with
 * the seed from the training examples, and the source's test split or, without one, the validation
 * part as the test set.
 */
public final class ArrayTask {
  private ArrayTask() {}

  /** {@code modelInput}: one example's shape as the model takes it. */
  public static TaskData load(
      ArrayData data,
      long[] modelInput,
      ArrayScaling scale,
      double valSplit,
      long seed,
      String name) {
    int k = data.classCount();
    Task task = Task.ofOwnClasses(name, k);
    int[][] parts = StratifiedSplit.indices(data.train().labels(), valSplit, seed);
    Examples train = examples(data.train().pick(parts[0]), modelInput, scale, k);
    Examples valid = examples(data.train().pick(parts[1]), modelInput, scale, k);
    Examples test = data.test() == null ? valid : examples(data.test(), modelInput, scale, k);
    return TaskData.ofOwn(task, train, valid, test);
  }

  /**
   * Regression targets: a seeded random validation share of {@code train} ({@code test} null: the
   * validation examples are the test ones too).
   */
  public static TaskData loadRegression(
      RegressionArrays train,
      RegressionArrays test,
      long[] modelInput,
      ArrayScaling scale,
      double valSplit,
      long seed,
      String name) {
    Task task = Task.regression(name, train.width());
    if (test != null && test.width() != train.width()) {
      throw GraftException.badInput(
          test.source()
              + ": "
              + test.width()
              + " targets per example, "
              + train.width()
              + " in training");
    }
    // one stratum: a plain seeded shuffle, as Keras's validation_split would draw it at random
    int[][] parts = StratifiedSplit.indices(new int[train.size()], valSplit, seed);
    Examples trainPart = regressionExamples(train.pick(parts[0]), modelInput, scale);
    Examples valid = regressionExamples(train.pick(parts[1]), modelInput, scale);
    return TaskData.ofOwn(
        task, trainPart, valid, test == null ? valid : regressionExamples(test, modelInput, scale));
  }

  /** Regression targets as examples for a model taking {@code modelInput}. */
  public static Examples regressionExamples(
      RegressionArrays a, long[] modelInput, ArrayScaling scale) {
    float[] x =
        ExampleLayout.fitRows(
            a.features(), a.size(), a.exampleShape(), modelInput, a.source(), scale);
    return Examples.regression(x, a.targets().clone(), x.length / Math.max(1, a.size()), a.width());
  }

  /** The arrays as examples for a model taking {@code modelInput}, labelled for {@code outputs}. */
  public static Examples examples(
      LabelledArrays a, long[] modelInput, ArrayScaling scale, int outputs) {
    float[] x =
        ExampleLayout.fitRows(
            a.features(), a.size(), a.exampleShape(), modelInput, a.source(), scale);
    int d = x.length / Math.max(1, a.size());
    return new Examples(x, a.labels().clone(), d, outputs);
  }
}
