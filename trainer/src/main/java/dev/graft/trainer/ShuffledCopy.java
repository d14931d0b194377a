package dev.graft.trainer;

import dev.graft.converter.Network;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The training set in a new random order each epoch, copied into the same two arrays every time: a
 * fresh copy per epoch is 140 MB for task A, and allocating and zeroing it took about 5% of an
 * epoch of model A (measured with a JFR profile).
 */
final class ShuffledCopy implements AutoCloseable {
  private final INDArray x;
  private final INDArray y;
  private final int rows;
  private INDArray xs;
  private INDArray ys;

  ShuffledCopy(INDArray x, INDArray y) {
    this.x = x;
    this.y = y;
    this.rows = (int) x.size(0);
  }

  /** Rows of x and y in the order {@link Fitter#permutation} draws from rng. */
  void shuffle(Random rng) {
    int[] order = Fitter.permutation(rows, rng);
    if (xs == null) {
      xs = Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
      ys = Nd4j.createUninitialized(y.dataType(), y.shape(), 'c');
    }
    Nd4j.pullRows(x, xs, 1, order);
    Nd4j.pullRows(y, ys, 1, order);
  }

  int size() {
    return rows;
  }

  /**
   * Rows [from, to) of the shuffled copy as a batch in the network's input shape (views, no copy).
   */
  DataSet batch(Network shape, int from, int to) {
    INDArray bx =
        xs.get(NDArrayIndex.interval(from, to), NDArrayIndex.all())
            .reshape('c', shape.batchShape(to - from));
    INDArray by = ys.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    return new DataSet(bx, by);
  }

  @Override
  public void close() {
    Fitter.free(xs, ys);
  }
}
