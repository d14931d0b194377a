package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** PReLU: alpha shaped like the input, 1 along the shared axes (DL4J keeps the same shape). */
final class PReLUCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("PReLU");
  }

  @Override
  public List<Class<? extends Layer>> dl4jLayers() {
    return List.of(PReLULayer.class);
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    long[] shape = in.shape();
    JsonNode shared = c.path("shared_axes");
    long[] alphaShape = shape.clone();
    List<Long> sharedAxes = new ArrayList<>();
    if (shared.isArray() || shared.isInt()) {
      for (JsonNode a : shared.isArray() ? shared : List.of(shared)) {
        int axis = a.asInt();
        if (axis < 1 || axis > shape.length) {
          throw in.badInput(name, "shared axis " + axis + " out of range");
        }
        alphaShape[axis - 1] = 1;
        sharedAxes.add((long) axis);
      }
    }
    List<INDArray> vars = in.vars();
    if (vars.size() != 1) {
      throw in.badInput(name, "has " + vars.size() + " weight arrays, expected 1 (alpha)");
    }
    in.checkShape(vars.get(0), alphaShape, name);
    PReLULayer.Builder b = new PReLULayer.Builder().name(name).inputShape(shape);
    if (!sharedAxes.isEmpty()) {
      b.sharedAxes(sharedAxes.stream().mapToLong(Long::longValue).toArray());
    }
    in.addLayer(b.build(), l -> l.setParam("W", vars.get(0).reshape(l.getParam("W").shape())));
  }

  @Override
  public void write(Dl4jToKeras out, Layer layer, Map<String, INDArray> params, String name) {
    long[] shape = out.shape();
    INDArray alpha = params.get("W");
    long[] a = alpha.shape();
    if (a.length != shape.length) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': PReLU alpha of shape "
              + Arrays.toString(a)
              + " on an input of shape "
              + Arrays.toString(shape));
    }
    if (out.channelsFirst() && shape.length == 3) {
      alpha = alpha.permute(1, 2, 0); // DL4J's [c, h, w] to Keras's [h, w, c]
      a = alpha.shape();
    }
    ObjectNode c = out.config(name);
    c.set("alpha_initializer", KerasConfigs.initializer("Zeros"));
    c.putNull("alpha_regularizer");
    c.putNull("alpha_constraint");
    var shared = KerasConfigs.JSON.createArrayNode();
    for (int i = 0; i < a.length; i++) {
      if (a[i] == 1 && shape[i] != 1) {
        shared.add(i + 1);
      }
    }
    if (shared.isEmpty()) {
      c.putNull("shared_axes");
    } else {
      c.set("shared_axes", shared);
    }
    Object value =
        a.length == 1
            ? Dl4jToKeras.vector(alpha)
            : a.length == 3 ? Dl4jToKeras.kernel3d(alpha) : null;
    if (value == null) {
      throw GraftException.unsupported(
          "layer '" + name + "': PReLU on a rank-" + a.length + " input");
    }
    out.add("PReLU", c, List.of(value));
  }
}
