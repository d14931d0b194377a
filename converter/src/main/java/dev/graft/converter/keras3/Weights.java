package dev.graft.converter.keras3;

import dev.graft.GraftException;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * model.weights.h5 of a Keras 3 archive, read with jHDF (pure Java: a hostile file raises an
 * exception instead of killing the JVM). Layer weights sit in groups {@code layers/<name>/vars/<i>}
 * where the names follow the layers' positions (dense, dense_1, ...), not config.json's names.
 */
final class Weights implements AutoCloseable {
  private final Path file;
  private final HdfFile hdf;

  Weights(Path file, byte[] bytes) {
    this.file = file;
    try {
      this.hdf = HdfFile.fromBytes(bytes);
    } catch (RuntimeException e) {
      throw GraftException.badInput(
          file
              + ": model.weights.h5 is not a readable HDF5 file ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + ")",
          e);
    }
    try {
      dev.graft.converter.Hdf5Structure.check(file + " (model.weights.h5)", hdf);
    } catch (GraftException e) {
      hdf.close();
      throw e;
    }
  }

  dev.graft.converter.DeclaredSizes declaredSizes() {
    try {
      return dev.graft.converter.DeclaredSizes.of(hdf);
    } catch (RuntimeException e) {
      throw GraftException.badInput(
          file + ": model.weights.h5 structure unreadable (" + e.getClass().getSimpleName() + ")",
          e);
    }
  }

  /** The variables of the group for one layer, in order; empty when the layer has none. */
  List<INDArray> vars(String group, String expectedName) {
    try {
      Node node = hdf.getByPath("layers/" + group);
      if (!(node instanceof Group g)) {
        throw GraftException.badInput(
            file
                + ": model.weights.h5 has no group layers/"
                + group
                + " for layer '"
                + expectedName
                + "'");
      }
      Node varsNode = g.getChild("vars");
      List<INDArray> out = new ArrayList<>();
      if (!(varsNode instanceof Group vars)) {
        return out;
      }
      Attribute name = vars.getAttribute("name");
      if (name != null && !String.valueOf(name.getData()).equals(expectedName)) {
        throw GraftException.badInput(
            file
                + ": weights group layers/"
                + group
                + " belongs to layer '"
                + name.getData()
                + "', expected '"
                + expectedName
                + "': the archive's structure does not match its config");
      }
      for (int i = 0; vars.getChild(String.valueOf(i)) != null; i++) {
        out.add(toArray(group, (Dataset) vars.getChild(String.valueOf(i))));
      }
      return out;
    } catch (GraftException e) {
      throw e;
    } catch (RuntimeException e) {
      throw GraftException.badInput(
          file
              + ": cannot read weights of layer '"
              + expectedName
              + "' ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + ")",
          e);
    }
  }

  private INDArray toArray(String group, Dataset d) {
    int[] dims = d.getDimensions();
    long count = 1;
    for (int dim : dims) {
      count *= dim;
    }
    if (count > KerasArchive.MAX_WEIGHTS_BYTES / 4) {
      throw GraftException.badInput(file + ": layers/" + group + " declares " + count + " values");
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
          file
              + ": layers/"
              + group
              + " holds "
              + d.getJavaType().getSimpleName()
              + " values; graft reads float32 and float64 weights");
    }
    long[] shape = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      shape[i] = dims[i];
    }
    return dims.length == 0 ? Nd4j.scalar(values[0]) : Nd4j.create(values, shape, 'c');
  }

  @Override
  public void close() {
    hdf.close();
  }
}
