package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Dense: DL4J's DenseLayer (and OutputLayer, written back); kernel [in, units] both sides. */
final class DenseCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("Dense");
  }

  @Override
  public List<Class<? extends Layer>> dl4jLayers() {
    return List.of(DenseLayer.class, OutputLayer.class);
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(1, name, "Dense");
    long inputs = in.shape()[0];
    long units = c.path("units").asLong();
    boolean bias = c.path("use_bias").asBoolean(true);
    List<INDArray> vars = in.vars();
    in.expect(vars, name, new long[] {inputs, units}, bias ? new long[] {units} : null);
    in.addLayer(
        new DenseLayer.Builder()
            .name(name)
            .nIn(inputs)
            .nOut(units)
            .hasBias(bias)
            .activation(ActivationCodec.fromKeras(in, c.path("activation"), name))
            .build(),
        l -> {
          l.setParam("W", vars.get(0));
          if (bias) {
            l.setParam("b", vars.get(1).reshape(1, units));
          }
        });
    in.shape(new long[] {units});
  }

  @Override
  public void write(Dl4jToKeras out, Layer layer, Map<String, INDArray> params, String name) {
    out.requireRank(1, name, "Dense");
    INDArray w = params.get("W");
    long[] rowOrder = out.takeRowOrder();
    if (rowOrder != null) {
      w = channelsLastRows(w, rowOrder);
    }
    long units = w.size(1);
    boolean bias = params.containsKey("b");
    BaseLayer base = (BaseLayer) layer;
    String keras = ActivationCodec.kerasName(base.getActivationFn());
    ObjectNode c = out.config(name);
    c.put("units", units);
    c.put("activation", keras == null ? "linear" : keras);
    c.put("use_bias", bias);
    c.set("kernel_initializer", KerasConfigs.initializer("GlorotUniform"));
    c.set("bias_initializer", KerasConfigs.initializer("Zeros"));
    KerasConfigs.putNulls(
        c, "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint");
    List<Object> vars = new ArrayList<>();
    vars.add(w.castTo(DataType.FLOAT).toFloatMatrix());
    if (bias) {
      vars.add(params.get("b").castTo(DataType.FLOAT).toFloatVector());
    }
    out.add("Dense", c, vars);
    out.shape(new long[] {units});
    if (keras == null) {
      out.activation(base.getActivationFn(), name + "_activation");
    }
  }

  /** Kernel rows reordered from DL4J's (c, h, w) flatten order to Keras's (h, w, c). */
  private static INDArray channelsLastRows(INDArray w, long[] hwc) {
    long h = hwc[0];
    long wd = hwc[1];
    long ch = hwc[2];
    int[] rows = new int[(int) (h * wd * ch)];
    int j = 0;
    for (long y = 0; y < h; y++) {
      for (long x = 0; x < wd; x++) {
        for (long c = 0; c < ch; c++) {
          rows[j++] = (int) (c * h * wd + y * wd + x);
        }
      }
    }
    return w.getRows(rows);
  }
}
