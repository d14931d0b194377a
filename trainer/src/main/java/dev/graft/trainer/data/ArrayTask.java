package dev.graft.trainer.data;

import dev.graft.data.ArrayData;
import dev.graft.data.ArrayScaling;
import dev.graft.data.LabelledArrays;
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

  /** The arrays as examples for a model taking {@code modelInput}, labelled for {@code outputs}. */
  public static Examples examples(
      LabelledArrays a, long[] modelInput, ArrayScaling scale, int outputs) {
    long[] shape = new long[a.exampleShape().length + 1];
    shape[0] = a.size();
    System.arraycopy(a.exampleShape(), 0, shape, 1, a.exampleShape().length);
    float[] x = scale.apply(ExampleLayout.fit(a.features(), shape, modelInput, a.source()).data());
    int d = x.length / Math.max(1, a.size());
    return new Examples(x, a.labels().clone(), d, outputs);
  }
}
