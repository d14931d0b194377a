package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.converter.AffinePreProcessor;
import java.util.List;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rescaling (x * scale + offset) and Normalization ((x - mean) / max(sqrt(variance), 1e-7) per
 * channel of the last axis): both an affine preprocessor of the next DL4J layer. Written back as
 * Rescaling when one scale and offset serve every channel, else as Normalization.
 */
final class RescalingCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("Rescaling", "Normalization");
  }

  @Override
  public List<Class<? extends InputPreProcessor>> dl4jPreprocessors() {
    return List.of(AffinePreProcessor.class);
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    if (kerasClass.equals("Rescaling")) {
      in.preprocess(
          new AffinePreProcessor(
              in.floats(c.path("scale"), name), in.floats(c.path("offset"), name)));
      return;
    }
    long[] shape = in.shape();
    JsonNode axis = c.path("axis");
    int ax = axis.isArray() && axis.size() == 1 ? axis.get(0).asInt() : axis.asInt(-1);
    if ((ax != -1 && ax != shape.length) || c.path("invert").asBoolean(false)) {
      throw in.unsupported(
          name,
          "Normalization over axis "
              + axis
              + (c.path("invert").asBoolean(false) ? " with invert=True" : "")
              + " (only the last axis, not inverted)");
    }
    float[] mean;
    float[] variance;
    if (c.hasNonNull("mean")) {
      mean = in.floats(c.path("mean"), name);
      variance = in.floats(c.path("variance"), name);
    } else {
      List<INDArray> vars = in.vars();
      if (vars.size() < 2) {
        throw in.badInput(
            name, "has " + vars.size() + " weight arrays, expected mean, variance and count");
      }
      long channels = shape[shape.length - 1];
      in.checkShape(vars.get(0).reshape(vars.get(0).length()), new long[] {channels}, name);
      in.checkShape(vars.get(1).reshape(vars.get(1).length()), new long[] {channels}, name);
      mean = vars.get(0).toFloatVector();
      variance = vars.get(1).toFloatVector();
    }
    int n = Math.max(mean.length, variance.length);
    float[] scale = new float[n];
    float[] offset = new float[n];
    for (int i = 0; i < n; i++) {
      double sd = Math.max(Math.sqrt(variance[variance.length == 1 ? 0 : i]), 1e-7);
      scale[i] = (float) (1 / sd);
      offset[i] = (float) (-mean[mean.length == 1 ? 0 : i] / sd);
    }
    in.preprocess(new AffinePreProcessor(scale, offset));
  }

  @Override
  public void writePreprocessor(Dl4jToKeras out, InputPreProcessor pp, String layer) {
    AffinePreProcessor a = (AffinePreProcessor) pp;
    float[] scale = a.scale();
    float[] offset = a.offset();
    if (scale.length == 1 && offset.length == 1) {
      ObjectNode c = out.config(layer + "_rescaling");
      c.put("scale", scale[0]);
      c.put("offset", offset[0]);
      out.add("Rescaling", c, List.of());
      return;
    }
    int n = Math.max(scale.length, offset.length);
    var mean = KerasConfigs.JSON.createArrayNode();
    var variance = KerasConfigs.JSON.createArrayNode();
    for (int i = 0; i < n; i++) {
      double s = scale[scale.length == 1 ? 0 : i];
      if (!(s > 0)) {
        throw GraftException.unsupported(
            "layer '"
                + layer
                + "': a per-channel scale of "
                + s
                + " has no Keras Normalization form");
      }
      mean.add(-offset[offset.length == 1 ? 0 : i] / s);
      variance.add(1 / (s * s));
    }
    ObjectNode c = out.config(layer + "_normalization");
    c.put("axis", -1);
    c.put("invert", false);
    c.set("mean", mean);
    c.set("variance", variance);
    out.add("Normalization", c, List.of());
  }
}
