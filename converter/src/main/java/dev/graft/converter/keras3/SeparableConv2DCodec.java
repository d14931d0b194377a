package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SeparableConv2D (Xception-style): a depthwise convolution (Keras [kh, kw, in, m], DL4J [m, in,
 * kh, kw]) then a pointwise one (Keras [1, 1, in m, filters], DL4J [filters, in m, 1, 1]), one
 * bias, channels last.
 */
final class SeparableConv2DCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("SeparableConv2D");
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(3, name, "SeparableConv2D");
    in.channelsLast(c, name);
    int[] k = KerasToDl4j.pair(c.path("kernel_size"));
    int[] s = KerasToDl4j.pair(c.path("strides"));
    int[] d = KerasToDl4j.pair(c.path("dilation_rate"));
    boolean same = c.path("padding").asText("valid").equals("same");
    long[] shape = in.shape();
    long channels = shape[2];
    int m = c.path("depth_multiplier").asInt(1);
    long filters = c.path("filters").asLong();
    boolean bias = c.path("use_bias").asBoolean(true);
    List<INDArray> vars = in.vars();
    if (vars.size() != (bias ? 3 : 2)) {
      throw in.badInput(name, "has " + vars.size() + " weight arrays, expected " + (bias ? 3 : 2));
    }
    in.checkShape(vars.get(0), new long[] {k[0], k[1], channels, m}, name);
    in.checkShape(vars.get(1), new long[] {1, 1, channels * m, filters}, name);
    if (bias) {
      in.checkShape(vars.get(2), new long[] {filters}, name);
    }
    in.addLayer(
        new SeparableConvolution2D.Builder(k[0], k[1])
            .name(name)
            .stride(s)
            .dilation(d)
            .depthMultiplier(m)
            .nIn(channels)
            .nOut(filters)
            .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate)
            .dataFormat(CNN2DFormat.NHWC)
            .hasBias(bias)
            .activation(ActivationCodec.fromKeras(in, c.path("activation"), name))
            .build(),
        l -> {
          l.setParam("W", vars.get(0).permute(3, 2, 0, 1).dup('c'));
          l.setParam("pW", vars.get(1).permute(3, 2, 0, 1).dup('c'));
          if (bias) {
            l.setParam("b", vars.get(2).reshape(1, filters));
          }
        });
    in.shape(
        new long[] {
          KerasToDl4j.outSize(shape[0], k[0], s[0], d[0], same),
          KerasToDl4j.outSize(shape[1], k[1], s[1], d[1], same),
          filters
        });
  }
}
