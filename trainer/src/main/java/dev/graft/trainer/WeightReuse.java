package dev.graft.trainer;

import dev.graft.GraftException;
import dev.graft.converter.Network;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weights from elsewhere into a network built from a spec, as the chapter's TensorFlow sections
 * restore only some layers of another model: the layers of {@code source} whose names match a
 * pattern, in order, into the target's Dense layers in order; or one layer's kernel and bias given
 * as arrays (from another framework, as .npy). Shapes must match exactly.
 */
public final class WeightReuse {
  private WeightReuse() {}

  /** Copies; returns "source -> target" for each layer copied. */
  public static List<String> copyMatching(Network source, String pattern, Network target) {
    Pattern p;
    try {
      p = Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw GraftException.parameter(
          "reuse", "'" + pattern + "' is not a valid pattern: " + e.getDescription());
    }
    List<Layer> from = new ArrayList<>();
    for (Layer l : source.layers()) {
      String name = l.conf().getLayer().getLayerName();
      if (name != null && p.matcher(name).matches() && l.numParams() > 0) {
        from.add(l);
      }
    }
    if (from.isEmpty()) {
      throw GraftException.parameter(
          "reuse",
          "'"
              + pattern
              + "' matches no layer with weights of "
              + source.label()
              + " (layers: "
              + source.layerNames()
              + ")");
    }
    List<Layer> dense = dense(target);
    if (from.size() > dense.size()) {
      throw GraftException.parameter(
          "reuse",
          "'"
              + pattern
              + "' picks "
              + from.size()
              + " layers but the network has only "
              + dense.size()
              + " dense layers");
    }
    List<String> copied = new ArrayList<>();
    for (int i = 0; i < from.size(); i++) {
      Layer s = from.get(i);
      Layer t = dense.get(i);
      String what =
          s.conf().getLayer().getLayerName()
              + " ("
              + source.label()
              + ") -> "
              + t.conf().getLayer().getLayerName();
      set(t, s.getParam("W"), s.paramTable().containsKey("b") ? s.getParam("b") : null, what);
      copied.add(what);
    }
    return copied;
  }

  /**
   * Sets the kernel ([in, out], Keras's layout) and bias ([out], or null to keep it) of the named
   * layer.
   */
  public static void setWeights(Network target, String layer, INDArray kernel, INDArray bias) {
    for (Layer l : target.layers()) {
      if (layer.equals(l.conf().getLayer().getLayerName())) {
        set(l, kernel, bias, layer);
        return;
      }
    }
    throw GraftException.parameter(
        "setWeights", "names no layer '" + layer + "' (layers: " + target.layerNames() + ")");
  }

  private static void set(Layer t, INDArray kernel, INDArray bias, String what) {
    INDArray w = t.getParam("W");
    if (!Arrays.equals(w.shape(), kernel.shape())) {
      throw GraftException.usage(
          what
              + ": kernel of shape "
              + Arrays.toString(kernel.shape())
              + " does not fit "
              + Arrays.toString(w.shape()));
    }
    if (bias != null) {
      if (!t.paramTable().containsKey("b") || t.getParam("b").length() != bias.length()) {
        throw GraftException.usage(
            what
                + ": bias of "
                + bias.length()
                + " values does not fit "
                + (t.paramTable().containsKey("b")
                    ? t.getParam("b").length() + ""
                    : "a layer without bias"));
      }
      t.setParam("b", bias.castTo(DataType.FLOAT).reshape(t.getParam("b").shape()));
    }
    t.setParam("W", kernel.castTo(DataType.FLOAT).dup('c'));
  }

  private static List<Layer> dense(Network n) {
    List<Layer> out = new ArrayList<>();
    for (Layer l : n.layers()) {
      var c = l.conf().getLayer();
      if (c instanceof DenseLayer || c instanceof OutputLayer) {
        out.add(l);
      }
    }
    return out;
  }
}
