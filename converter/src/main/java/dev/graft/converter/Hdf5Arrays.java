package dev.graft.converter;

import dev.graft.GraftException;
import io.jhdf.api.Dataset;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a float32 or float64 HDF5 dataset into a float ND4J array of its shape: the one weight
 * reader of both Keras file formats. The declared size is checked before anything is read.
 */
public final class Hdf5Arrays {
  /** A weight array may not claim more than this many values (declared sizes are not trusted). */
  public static final long MAX_VALUES = 1L << 29;

  private Hdf5Arrays() {}

  /** {@code where}: the file and weight, for messages ("model.h5: layer 'dense'"). */
  public static INDArray read(String where, Dataset d) {
    int[] dims = d.getDimensions();
    long count = 1;
    for (int dim : dims) {
      count *= dim;
      if (count > MAX_VALUES || dim < 0) {
        throw GraftException.badInput(
            where
                + " declares a weight of "
                + Arrays.toString(dims)
                + " values, more than graft accepts ("
                + MAX_VALUES
                + ")");
      }
    }
    Object flat = d.getDataFlat();
    float[] values;
    if (flat instanceof float[] f) {
      values = f;
    } else if (flat instanceof double[] dd) {
      values = new float[dd.length];
      for (int i = 0; i < dd.length; i++) {
        values[i] = (float) dd[i];
      }
    } else {
      throw GraftException.unsupported(
          where
              + " has "
              + d.getJavaType().getSimpleName()
              + " weights; graft reads float32 and float64");
    }
    if (values.length != count) {
      throw GraftException.badInput(
          where + ": a weight holds " + values.length + " values, its shape says " + count);
    }
    long[] shape = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      shape[i] = dims[i];
    }
    return dims.length == 0 ? Nd4j.scalar(values[0]) : Nd4j.create(values, shape, 'c');
  }
}
