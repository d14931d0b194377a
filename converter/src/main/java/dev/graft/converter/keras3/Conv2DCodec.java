package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Conv2D, channels last: Keras's kernel is [kh, kw, in, out], DL4J's [out, in, kh, kw]. Only DL4J's
 * plain ConvolutionLayer is written this way (its subclasses compute other things).
 */
final class Conv2DCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("Conv2D");
  }

  @Override
  public List<Class<? extends Layer>> dl4jLayers() {
    return List.of(ConvolutionLayer.class);
  }

  @Override
  public boolean writesSubclasses() {
    return false;
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(3, name, "Conv2D");
    in.channelsLast(c, name);
    if (c.path("groups").asInt(1) != 1) {
      throw in.unsupported(name, "grouped convolution is not supported");
    }
    long[] shape = in.shape();
    int[] k = KerasToDl4j.pair(c.path("kernel_size"));
    int[] s = KerasToDl4j.pair(c.path("strides"));
    int[] d = KerasToDl4j.pair(c.path("dilation_rate"));
    boolean same = c.path("padding").asText("valid").equals("same");
    long channels = shape[2];
    long filters = c.path("filters").asLong();
    boolean bias = c.path("use_bias").asBoolean(true);
    List<INDArray> vars = in.vars();
    in.expect(
        vars, name, new long[] {k[0], k[1], channels, filters}, bias ? new long[] {filters} : null);
    in.addLayer(
        new ConvolutionLayer.Builder(k[0], k[1])
            .name(name)
            .stride(s)
            .dilation(d)
            .nIn(channels)
            .nOut(filters)
            .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate)
            .dataFormat(CNN2DFormat.NHWC)
            .hasBias(bias)
            .activation(ActivationCodec.fromKeras(in, c.path("activation"), name))
            .build(),
        l -> {
          l.setParam("W", vars.get(0).permute(3, 2, 0, 1).dup('c'));
          if (bias) {
            l.setParam("b", vars.get(1).reshape(1, filters));
          }
        });
    in.shape(
        new long[] {
          KerasToDl4j.outSize(shape[0], k[0], s[0], d[0], same),
          KerasToDl4j.outSize(shape[1], k[1], s[1], d[1], same),
          filters
        });
  }

  @Override
  public void write(Dl4jToKeras out, Layer layer, Map<String, INDArray> params, String name) {
    ConvolutionLayer conv = (ConvolutionLayer) layer;
    out.requireRank(3, name, "Conv2D");
    int[] k = conv.getKernelSize();
    int[] s = conv.getStride();
    int[] d = conv.getDilation();
    String padding = padding(out, conv.getConvolutionMode(), conv.getPadding(), name);
    INDArray w = params.get("W"); // [out, in, kh, kw]
    long filters = w.size(0);
    boolean bias = params.containsKey("b");
    String keras = ActivationCodec.kerasName(conv.getActivationFn());
    ObjectNode c = out.config(name);
    c.put("filters", filters);
    c.set("kernel_size", KerasConfigs.pair(k[0], k[1]));
    c.set("strides", KerasConfigs.pair(s[0], s[1]));
    c.put("padding", padding);
    c.put("data_format", "channels_last");
    c.set("dilation_rate", KerasConfigs.pair(d[0], d[1]));
    c.put("groups", 1);
    c.put("activation", keras == null ? "linear" : keras);
    c.put("use_bias", bias);
    KerasConfigs.convolutionDefaults(c);
    List<Object> vars = new ArrayList<>();
    vars.add(Dl4jToKeras.kernel4d(w.permute(2, 3, 1, 0).dup('c')));
    if (bias) {
      vars.add(Dl4jToKeras.vector(params.get("b")));
    }
    out.add("Conv2D", c, vars);
    boolean same = padding.equals("same");
    long[] shape = out.shape();
    out.shape(
        new long[] {
          KerasToDl4j.outSize(shape[0], k[0], s[0], d[0], same),
          KerasToDl4j.outSize(shape[1], k[1], s[1], d[1], same),
          filters
        });
    if (keras == null) {
      out.activation(conv.getActivationFn(), name + "_activation");
    }
  }

  /**
   * Keras's padding mode for a DL4J convolution or pooling; explicit DL4J padding becomes a
   * ZeroPadding2D layer before the layer.
   */
  static String padding(Dl4jToKeras out, ConvolutionMode mode, int[] pad, String name) {
    if (mode == ConvolutionMode.Same) {
      return "same";
    }
    if (mode == ConvolutionMode.Causal) {
      throw GraftException.unsupported(
          "layer '" + name + "': causal convolution has no Keras Conv2D equivalent");
    }
    if (pad[0] != 0 || pad[1] != 0) {
      ZeroPadding2DCodec.write(out, name + "_padding", pad[0], pad[0], pad[1], pad[1]);
    }
    return "valid";
  }
}
