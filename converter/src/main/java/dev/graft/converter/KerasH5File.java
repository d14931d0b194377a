package dev.graft.converter;

import dev.graft.GraftException;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Keras 1/2 HDF5 model file read with jHDF, a pure-Java HDF5 reader: a corrupt or hostile file
 * ends in an exception, never in a dead JVM (DL4J's own reader is the native libhdf5, which was
 * seen to abort the JVM on a damaged file). Gives the attributes and each layer's weights.
 */
public final class KerasH5File implements AutoCloseable {
  private final Path file;
  private final HdfFile hdf;

  public KerasH5File(Path file) {
    this.file = file;
    try {
      this.hdf = new HdfFile(file);
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      throw GraftException.badInput(
          file + ": corrupt, truncated or not an HDF5 file (" + Errors.describe(e) + ")", e);
    }
    try {
      Hdf5Structure.check(file.toString(), hdf);
    } catch (GraftException e) {
      hdf.close();
      throw e;
    }
  }

  /** A root attribute as text, or null when absent. */
  public String attribute(String name) {
    return guard("attribute " + name, () -> text(hdf.getAttribute(name)));
  }

  /** Whether the file's root has a group of that name. */
  public boolean hasRootGroup(String name) {
    return guard("the root group", () -> hdf.getChild(name) instanceof Group);
  }

  /**
   * The weights of one layer, keyed as DL4J's Keras layers expect ("kernel", "bias", "W", ...),
   * from {@code model_weights/<layer>} (or the root, for weights-only files).
   */
  public Map<String, INDArray> weights(String layer) {
    return guard(
        "weights of layer '" + layer + "'",
        () -> {
          Node root = hdf.getChild("model_weights");
          Group weightsRoot = root instanceof Group g ? g : hdf;
          Node node = weightsRoot.getChild(layer);
          Map<String, INDArray> out = new LinkedHashMap<>();
          if (!(node instanceof Group group)) {
            return out;
          }
          for (String weightName : names(group.getAttribute("weight_names"))) {
            Node d = group.getByPath(weightName);
            if (!(d instanceof Dataset dataset)) {
              throw GraftException.badInput(
                  file
                      + ": layer '"
                      + layer
                      + "' lists weight "
                      + weightName
                      + " but the file has no such dataset");
            }
            out.put(paramName(layer, weightName), array(dataset, layer));
          }
          return out;
        });
  }

  /** "dense_1/kernel:0" -> "kernel"; Keras 1's "dense_1_W" -> "W". */
  static String paramName(String layer, String weightName) {
    String name = weightName.substring(weightName.lastIndexOf('/') + 1);
    int colon = name.indexOf(':');
    if (colon >= 0) {
      name = name.substring(0, colon);
    }
    if (name.startsWith(layer + "_")) {
      name = name.substring(layer.length() + 1);
    }
    return name;
  }

  private INDArray array(Dataset d, String layer) {
    return Hdf5Arrays.read(file + ": layer '" + layer + "'", d);
  }

  private static String text(Attribute a) {
    if (a == null) {
      return null;
    }
    Object v = a.getData();
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof byte[] b) {
      return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
    if (v instanceof String[] arr && arr.length == 1) {
      return arr[0];
    }
    return String.valueOf(v);
  }

  private static List<String> names(Attribute a) {
    List<String> out = new ArrayList<>();
    if (a == null) {
      return out;
    }
    Object v = a.getData();
    if (v instanceof String[] arr) {
      out.addAll(List.of(arr));
    } else if (v instanceof String s) {
      out.add(s);
    } else if (v instanceof byte[][] bytes) {
      for (byte[] b : bytes) {
        out.add(new String(b, java.nio.charset.StandardCharsets.UTF_8));
      }
    } else {
      throw new IllegalStateException("weight_names of type " + v.getClass().getSimpleName());
    }
    return out;
  }

  private <T> T guard(String what, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (GraftException e) {
      throw e;
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      throw GraftException.badInput(
          file
              + ": corrupt or truncated HDF5 file, reading "
              + what
              + " ("
              + Errors.describe(e)
              + ")",
          e);
    }
  }

  /**
   * The weights of a layer in the order of its group's {@code weight_names}. {@code path} runs from
   * the top-level layer, whose group holds them, to the layer itself: a nested model's weights all
   * sit in its top-level layer's group ({@code sequential_1/Conv1/kernel:0}), and a layer's are the
   * ones whose name has the layer's name as one of its scopes.
   */
  public List<INDArray> weightList(List<String> path) {
    String top = path.get(0);
    String leaf = path.get(path.size() - 1);
    return guard(
        "weights of layer '" + String.join("/", path) + "'",
        () -> {
          Node root = hdf.getChild("model_weights");
          Group weightsRoot = root instanceof Group g ? g : hdf;
          List<INDArray> out = new ArrayList<>();
          if (!(weightsRoot.getChild(top) instanceof Group group)) {
            return out;
          }
          for (String weightName : names(group.getAttribute("weight_names"))) {
            // The layer's name is a scope of its weights' names: sequential_1/Conv1/kernel:0,
            // sequential/functional/lstm/lstm_cell/kernel.
            List<String> scopes = List.of(weightName.split("/"));
            if (path.size() > 1 && !scopes.subList(0, scopes.size() - 1).contains(leaf)) {
              continue;
            }
            if (!(group.getByPath(weightName) instanceof Dataset dataset)) {
              throw GraftException.badInput(
                  file
                      + ": layer '"
                      + top
                      + "' lists weight "
                      + weightName
                      + " but the file has no such dataset");
            }
            out.add(array(dataset, String.join("/", path)));
          }
          return out;
        });
  }

  @Override
  public void close() {
    hdf.close();
  }
}
