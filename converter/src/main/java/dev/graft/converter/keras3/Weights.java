package dev.graft.converter.keras3;

import dev.graft.GraftException;
import dev.graft.converter.Hdf5Arrays;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * model.weights.h5 of a Keras 3 archive, read with jHDF (pure Java: a hostile file raises an
 * exception instead of killing the JVM). Layer weights sit in groups {@code layers/<name>/vars/<i>}
 * where the names follow the layers' positions (dense, dense_1, ...), not config.json's names.
 */
final class Weights implements LayerWeights {
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

  /**
   * The variables of the layer's group {@code layers/<group>/vars}, in order. tf.keras 2.15 on
   * Windows wrote each group's whole path, backslashes and all, as one name at the root.
   */
  @Override
  public List<INDArray> vars(FlatLayer layer) {
    String path = "layers/" + layer.archiveGroup();
    String expectedName = layer.leafName();
    try {
      Node node = hdf.getChild(path.replace('/', '\\'));
      if (node == null) {
        node = hdf.getByPath(path);
      }
      if (!(node instanceof Group g)) {
        throw GraftException.badInput(
            file + ": model.weights.h5 has no group " + path + " for layer '" + layer.name() + "'");
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
                + ": weights group "
                + path
                + " belongs to layer '"
                + name.getData()
                + "', expected '"
                + expectedName
                + "': the archive's structure does not match its config");
      }
      for (int i = 0; vars.getChild(String.valueOf(i)) != null; i++) {
        out.add(
            Hdf5Arrays.read(
                file + ": " + path + "/vars/" + i, (Dataset) vars.getChild(String.valueOf(i))));
      }
      return out;
    } catch (GraftException e) {
      throw e;
    } catch (RuntimeException e) {
      throw GraftException.badInput(
          file
              + ": cannot read weights of layer '"
              + layer.name()
              + "' ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + ")",
          e);
    }
  }

  @Override
  public void close() {
    hdf.close();
  }
}
