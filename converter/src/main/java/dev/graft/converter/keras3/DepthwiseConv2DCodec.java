package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DepthwiseConv2D (MobileNet's): the kernel is [kh, kw, in, multiplier] in Keras and DL4J alike;
 * input channel c gives outputs c * multiplier + q.
 */
final class DepthwiseConv2DCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("DepthwiseConv2D");
  }

  @Override
  public List<Class<? extends Layer>> dl4jLayers() {
    return List.of(DepthwiseConvolution2D.class);
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(3, name, "DepthwiseConv2D");
    in.channelsLast(c, name);
    long[] shape = in.shape();
    int[] k = KerasToDl4j.pair(c.path("kernel_size"));
    int[] s = KerasToDl4j.pair(c.path("strides"));
    int[] d = KerasToDl4j.pair(c.path("dilation_rate"));
    boolean same = c.path("padding").asText("valid").equals("same");
    long channels = shape[2];
    int m = c.path("depth_multiplier").asInt(1);
    boolean bias = c.path("use_bias").asBoolean(true);
    List<INDArray> vars = in.vars();
    in.expect(
        vars, name, new long[] {k[0], k[1], channels, m}, bias ? new long[] {channels * m} : null);
    in.addLayer(
        new DepthwiseConvolution2D.Builder(k[0], k[1])
            .name(name)
            .stride(s)
            .dilation(d)
            .nIn(channels)
            .nOut(channels * m)
            .depthMultiplier(m)
            .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate)
            .dataFormat(CNN2DFormat.NHWC)
            .hasBias(bias)
            .activation(ActivationCodec.fromKeras(in, c.path("activation"), name))
            .build(),
        l -> {
          INDArray w = l.getParam("W");
          l.setParam("W", vars.get(0).reshape(w.shape()));
          if (bias) {
            l.setParam("b", vars.get(1).reshape(1, channels * m));
          }
        });
    in.shape(
        new long[] {
          KerasToDl4j.outSize(shape[0], k[0], s[0], d[0], same),
          KerasToDl4j.outSize(shape[1], k[1], s[1], d[1], same),
          channels * m
        });
  }

  @Override
  public void write(Dl4jToKeras out, Layer layer, Map<String, INDArray> params, String name) {
    DepthwiseConvolution2D conv = (DepthwiseConvolution2D) layer;
    out.requireRank(3, name, "DepthwiseConv2D");
    int[] k = conv.getKernelSize();
    int[] s = conv.getStride();
    int[] d = conv.getDilation();
    String padding = Conv2DCodec.padding(out, conv.getConvolutionMode(), conv.getPadding(), name);
    INDArray w = params.get("W"); // [kh, kw, in, m], as Keras keeps it
    boolean bias = params.containsKey("b");
    String keras = ActivationCodec.kerasName(conv.getActivationFn());
    ObjectNode c = out.config(name);
    c.set("kernel_size", KerasConfigs.pair(k[0], k[1]));
    c.set("strides", KerasConfigs.pair(s[0], s[1]));
    c.put("padding", padding);
    c.put("data_format", "channels_last");
    c.set("dilation_rate", KerasConfigs.pair(d[0], d[1]));
    c.put("depth_multiplier", w.size(3));
    c.put("activation", keras == null ? "linear" : keras);
    c.put("use_bias", bias);
    c.set("depthwise_initializer", KerasConfigs.initializer("GlorotUniform"));
    c.set("bias_initializer", KerasConfigs.initializer("Zeros"));
    KerasConfigs.putNulls(
        c,
        "depthwise_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "depthwise_constraint",
        "bias_constraint");
    List<Object> vars = new ArrayList<>();
    vars.add(Dl4jToKeras.kernel4d(w.dup('c')));
    if (bias) {
      vars.add(Dl4jToKeras.vector(params.get("b")));
    }
    out.add("DepthwiseConv2D", c, vars);
    boolean same = padding.equals("same");
    long[] shape = out.shape();
    out.shape(
        new long[] {
          KerasToDl4j.outSize(shape[0], k[0], s[0], d[0], same),
          KerasToDl4j.outSize(shape[1], k[1], s[1], d[1], same),
          w.size(2) * w.size(3)
        });
    if (keras == null) {
      out.activation(conv.getActivationFn(), name + "_activation");
    }
  }
}
