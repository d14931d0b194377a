package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.converter.dl4j.Dl4jParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BatchNormalization over the last (channels) axis: gamma, beta, moving mean and moving variance
 * (Keras stores the variance, as DL4J does with {@code useLogStd(false)}).
 */
final class BatchNormalizationCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("BatchNormalization");
  }

  @Override
  public List<Class<? extends Layer>> dl4jLayers() {
    return List.of(BatchNormalization.class);
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    long[] shape = in.shape();
    JsonNode axis = c.path("axis");
    int ax = axis.isArray() ? axis.get(0).asInt() : axis.asInt(-1);
    if (ax != -1 && ax != shape.length) {
      throw in.unsupported(
          name,
          "batch normalization over axis "
              + ax
              + " is not supported (only the last, channels axis)");
    }
    long channels = shape[shape.length - 1];
    boolean scale = c.path("scale").asBoolean(true);
    boolean center = c.path("center").asBoolean(true);
    if (scale != center) {
      throw in.unsupported(name, "batch normalization with only one of center/scale");
    }
    List<INDArray> vars = in.vars();
    int expected = scale ? 4 : 2;
    if (vars.size() != expected) {
      throw in.badInput(name, "has " + vars.size() + " weight arrays, expected " + expected);
    }
    for (INDArray v : vars) {
      in.checkShape(v, new long[] {channels}, name);
    }
    BatchNormalization.Builder b =
        new BatchNormalization.Builder()
            .name(name)
            .nIn(channels)
            .nOut(channels)
            .eps(c.path("epsilon").asDouble(1e-3))
            .decay(c.path("momentum").asDouble(0.99))
            .useLogStd(false);
    if (shape.length == 3) {
      b.dataFormat(CNN2DFormat.NHWC);
    }
    if (!scale) {
      b.lockGammaBeta(true).gamma(1).beta(0);
    }
    in.addLayer(
        b.build(),
        l -> {
          int k = 0;
          if (scale) {
            l.setParam("gamma", vars.get(k++).reshape(1, channels));
            l.setParam("beta", vars.get(k++).reshape(1, channels));
          }
          l.setParam("mean", vars.get(k++).reshape(1, channels));
          l.setParam("var", vars.get(k).reshape(1, channels));
        });
  }

  @Override
  public void write(Dl4jToKeras out, Layer layer, Map<String, INDArray> params, String name) {
    BatchNormalization bn = (BatchNormalization) layer;
    long[] shape = out.shape();
    long channels = shape[shape.length - 1];
    ObjectNode c = out.config(name);
    c.put("axis", -1);
    c.put("momentum", bn.getDecay());
    c.put("epsilon", bn.getEps());
    c.put("center", true);
    c.put("scale", true);
    c.set("beta_initializer", KerasConfigs.initializer("Zeros"));
    c.set("gamma_initializer", KerasConfigs.initializer("Ones"));
    c.set("moving_mean_initializer", KerasConfigs.initializer("Zeros"));
    c.set("moving_variance_initializer", KerasConfigs.initializer("Ones"));
    KerasConfigs.putNulls(
        c, "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint");
    c.put("synchronized", false);
    List<Object> vars = new ArrayList<>();
    vars.add(Dl4jToKeras.vector(Dl4jParams.batchNormAffine(bn, params, "gamma", channels)));
    vars.add(Dl4jToKeras.vector(Dl4jParams.batchNormAffine(bn, params, "beta", channels)));
    vars.add(Dl4jToKeras.vector(params.get("mean")));
    vars.add(Dl4jToKeras.vector(Dl4jParams.batchNormVariance(bn, params)));
    out.add("BatchNormalization", c, vars);
  }
}
