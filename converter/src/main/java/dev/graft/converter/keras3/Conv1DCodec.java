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
