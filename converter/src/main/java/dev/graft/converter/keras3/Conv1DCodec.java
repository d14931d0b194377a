package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Conv1D over a time-major sequence [time, channels] (padding valid, same or causal): Keras's
 * kernel is [k, in, out] and DL4J reads its W buffer in that same order.
 */
final class Conv1DCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("Conv1D");
  }

  @Override
  public List<Class<? extends org.deeplearning4j.nn.conf.layers.Layer>> dl4jLayers() {
    return List.of(Convolution1DLayer.class);
  }

  @Override
  public void write(
      Dl4jToKeras out,
      org.deeplearning4j.nn.conf.layers.Layer layer,
      java.util.Map<String, INDArray> params,
      String name) {
    out.requireRank(2, name, "Conv1D");
    Convolution1DLayer conv = (Convolution1DLayer) layer;
    if (conv.getRnnDataFormat() != RNNFormat.NWC) {
      throw dev.graft.GraftException.unsupported(
          "layer '" + name + "': Conv1D over channels-first sequences has no Keras layer here");
    }
    int k = conv.getKernelSize()[0];
    int s = conv.getStride()[0];
    int d = conv.getDilation()[0];
    String padding =
        switch (conv.getConvolutionMode()) {
          case Same -> "same";
          case Causal -> "causal";
          default -> {
            if (conv.getPadding()[0] != 0) {
              throw dev.graft.GraftException.unsupported(
                  "layer '" + name + "': Conv1D with explicit padding has no Keras layer");
            }
            yield "valid";
          }
        };
    long in = conv.getNIn();
    long filters = conv.getNOut();
    String keras = ActivationCodec.kerasName(conv.getActivationFn());
    com.fasterxml.jackson.databind.node.ObjectNode c = out.config(name);
    c.put("filters", filters);
    c.set("kernel_size", KerasConfigs.JSON.createArrayNode().add(k));
    c.set("strides", KerasConfigs.JSON.createArrayNode().add(s));
    c.put("padding", padding);
    c.put("data_format", "channels_last");
    c.set("dilation_rate", KerasConfigs.JSON.createArrayNode().add(d));
    c.put("groups", 1);
    c.put("activation", keras == null ? "linear" : keras);
    c.put("use_bias", params.containsKey("b"));
    KerasConfigs.convolutionDefaults(c);
    // the buffer DL4J reads as Keras's [k, in, out] (see read)
    INDArray kernel =
        org.nd4j.linalg.factory.Nd4j.create(
            params.get("W").dup('c').data().asFloat(), new long[] {k, in, filters}, 'c');
    List<Object> vars = new java.util.ArrayList<>();
    vars.add(Dl4jToKeras.kernel3d(kernel));
    if (params.containsKey("b")) {
      vars.add(Dl4jToKeras.vector(params.get("b")));
    }
    out.add("Conv1D", c, vars);
    long[] shape = out.shape();
    out.shape(
        new long[] {KerasToDl4j.outSize(shape[0], k, s, d, !padding.equals("valid")), filters});
    if (keras == null) {
      out.activation(conv.getActivationFn(), name + "_activation");
    }
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(2, name, "Conv1D");
    in.channelsLast(c, name);
    if (c.path("groups").asInt(1) != 1) {
      throw in.unsupported(name, "grouped convolution is not supported");
    }
    long[] shape = in.shape();
    int k = KerasToDl4j.pair(c.path("kernel_size"))[0];
    int s = KerasToDl4j.pair(c.path("strides"))[0];
    int d = KerasToDl4j.pair(c.path("dilation_rate"))[0];
    String padding = c.path("padding").asText("valid");
    ConvolutionMode mode =
        switch (padding) {
          case "same" -> ConvolutionMode.Same;
          case "causal" -> ConvolutionMode.Causal;
          case "valid" -> ConvolutionMode.Truncate;
          default -> throw in.unsupported(name, "padding " + padding);
        };
    long channels = shape[1];
    long filters = c.path("filters").asLong();
    boolean bias = c.path("use_bias").asBoolean(true);
    List<INDArray> vars = in.vars();
    in.expect(vars, name, new long[] {k, channels, filters}, bias ? new long[] {filters} : null);
    in.addLayer(
        new Convolution1DLayer.Builder()
            .name(name)
            .kernelSize(k)
            .stride(s)
            .dilation(d)
            .nIn(channels)
            .nOut(filters)
            .convolutionMode(mode)
            .rnnDataFormat(RNNFormat.NWC)
            .hasBias(bias)
            .activation(ActivationCodec.fromKeras(in, c.path("activation"), name))
            .build(),
        l -> {
          // DL4J 1.0.0-M2.1 labels W [out, in, k, 1] but its conv1d op reads the buffer as
          // Keras's [k, in, out] (as DL4J's own Keras importer feeds it): copy, do not permute.
          l.setParam("W", vars.get(0).dup('c').reshape(k, channels, filters, 1));
          if (bias) {
            l.setParam("b", vars.get(1).reshape(1, filters));
          }
        });
    in.shape(
        new long[] {KerasToDl4j.outSize(shape[0], k, s, d, !padding.equals("valid")), filters});
  }
}
