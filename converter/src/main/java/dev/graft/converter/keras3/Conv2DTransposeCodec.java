package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Conv2DTranspose as DL4J's Deconvolution2D, channels last: Keras's kernel is [kh, kw, filters,
 * in], DL4J's [in, filters, kh, kw]. "valid" gives (h - 1) s + k rows, "same" h s.
 */
final class Conv2DTransposeCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("Conv2DTranspose");
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(3, name, "Conv2DTranspose");
    in.channelsLast(c, name);
    int[] k = KerasToDl4j.pair(c.path("kernel_size"));
    int[] s = KerasToDl4j.pair(c.path("strides"));
    int[] d = KerasToDl4j.pair(c.path("dilation_rate"));
    if (d[0] != 1 || d[1] != 1) {
      throw in.unsupported(name, "Conv2DTranspose with dilation");
    }
    if (!c.path("output_padding").isNull() && !c.path("output_padding").isMissingNode()) {
      throw in.unsupported(name, "Conv2DTranspose with output_padding");
    }
    boolean same = c.path("padding").asText("valid").equals("same");
    if (same && (k[0] < s[0] || k[1] < s[1])) {
      throw in.unsupported(name, "Conv2DTranspose \"same\" with a kernel smaller than its stride");
    }
    long[] shape = in.shape();
    long channels = shape[2];
    long filters = c.path("filters").asLong();
    boolean bias = c.path("use_bias").asBoolean(true);
    List<INDArray> vars = in.vars();
    in.expect(
        vars, name, new long[] {k[0], k[1], filters, channels}, bias ? new long[] {filters} : null);
    in.addLayer(
        new Deconvolution2D.Builder(k[0], k[1])
            .name(name)
            .stride(s)
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
          same ? shape[0] * s[0] : (shape[0] - 1) * s[0] + k[0],
          same ? shape[1] * s[1] : (shape[1] - 1) * s[1] + k[1],
          filters
        });
  }
}
