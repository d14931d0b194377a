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
   * The variables of the layer's group {@code layers/<group>/vars}, in order, then those of the
   * layers it holds: an RNN's {@code cell}, a Bidirectional's {@code forward_layer} then {@code
   * backward_layer}. tf.keras 2.15 on Windows wrote each group's whole path, backslashes and all,
   * as one name at the root.
   */
  @Override
  public List<INDArray> vars(FlatLayer layer) {
    String path = "layers/" + layer.archiveGroup();
    try {
      Group group = group(path);
      if (group == null) {
        throw GraftException.badInput(
            file + ": model.weights.h5 has no group " + path + " for layer '" + layer.name() + "'");
      }
      List<INDArray> out = new ArrayList<>();
      collect(path, group, layer.leafName(), out, 0);
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

  private static final List<String> HELD = List.of("cell", "forward_layer", "backward_layer");

  private void collect(
      String path, Group group, String expectedName, List<INDArray> out, int depth) {
    if (group.getChild("vars") instanceof Group vars) {
      Attribute name = vars.getAttribute("name");
      if (depth == 0 && name != null && !String.valueOf(name.getData()).equals(expectedName)) {
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
    }
    if (depth < 3) {
      for (String held : HELD) {
        Group child = group(path + "/" + held);
        if (child != null) {
          collect(path + "/" + held, child, expectedName, out, depth + 1);
        }
      }
    }
  }

  /** The group at {@code path}, also where tf.keras 2.15 on Windows named it with backslashes. */
  private Group group(String path) {
    Node node = hdf.getChild(path.replace('/', '\\'));
    if (node == null) {
      try {
        node = hdf.getByPath(path);
      } catch (io.jhdf.exceptions.HdfException e) {
        node = null;
      }
    }
    return node instanceof Group g ? g : null;
  }

  @Override
  public void close() {
    hdf.close();
  }
}
