package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MaxPooling2D and AveragePooling2D: DL4J's SubsamplingLayer. Keras's average pooling leaves
 * padding out of the divisor.
 */
final class Pooling2DCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("MaxPooling2D", "AveragePooling2D");
  }

  @Override
  public List<Class<? extends Layer>> dl4jLayers() {
    return List.of(SubsamplingLayer.class);
  }

  @Override
  public boolean writesSubclasses() {
    return false;
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(3, name, "pooling");
    in.channelsLast(c, name);
    long[] shape = in.shape();
    int[] k = KerasToDl4j.pair(c.path("pool_size"));
    int[] s =
        c.path("strides").isNull() || c.path("strides").isMissingNode()
            ? k
            : KerasToDl4j.pair(c.path("strides"));
    boolean same = c.path("padding").asText("valid").equals("same");
    in.addLayer(
        new SubsamplingLayer.Builder(
                kerasClass.startsWith("Max") ? PoolingType.MAX : PoolingType.AVG)
            .name(name)
            .kernelSize(k)
            .stride(s)
            .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate)
            .dataFormat(CNN2DFormat.NHWC)
            .avgPoolIncludePadInDivisor(false)
            .build());
    in.shape(
        new long[] {
          KerasToDl4j.outSize(shape[0], k[0], s[0], 1, same),
          KerasToDl4j.outSize(shape[1], k[1], s[1], 1, same),
          shape[2]
        });
  }

  @Override
  public void write(Dl4jToKeras out, Layer layer, Map<String, INDArray> params, String name) {
    SubsamplingLayer p = (SubsamplingLayer) layer;
    out.requireRank(3, name, "pooling");
    if (p.getPoolingType() != PoolingType.MAX && p.getPoolingType() != PoolingType.AVG) {
      throw dev.graft.GraftException.unsupported(
          "layer '" + name + "': " + p.getPoolingType() + " pooling has no Keras layer");
    }
    boolean max = p.getPoolingType() == PoolingType.MAX;
    if (p.getConvolutionMode() == ConvolutionMode.Same
        && !max
        && p.isAvgPoolIncludePadInDivisor()) {
      throw dev.graft.GraftException.unsupported(
          "layer '"
              + name
              + "': average pooling with padding counted in the divisor "
              + "(Keras's AveragePooling2D leaves the padding out)");
    }
    int[] pad = p.getPadding();
    if (!max
        && !p.isAvgPoolIncludePadInDivisor()
        && p.getConvolutionMode() != ConvolutionMode.Same
        && (pad[0] != 0 || pad[1] != 0)) {
      throw dev.graft.GraftException.unsupported(
          "layer '" + name + "': average pooling over explicit padding left out of the divisor");
    }
    String padding = Conv2DCodec.padding(out, p.getConvolutionMode(), pad, name);
    int[] k = p.getKernelSize();
    int[] s = p.getStride();
    ObjectNode c = out.config(name);
    c.set("pool_size", KerasConfigs.pair(k[0], k[1]));
    c.put("padding", padding);
    c.set("strides", KerasConfigs.pair(s[0], s[1]));
    c.put("data_format", "channels_last");
    out.add(max ? "MaxPooling2D" : "AveragePooling2D", c, List.of());
    boolean same = padding.equals("same");
    long[] shape = out.shape();
    out.shape(
        new long[] {
          KerasToDl4j.outSize(shape[0], k[0], s[0], 1, same),
          KerasToDl4j.outSize(shape[1], k[1], s[1], 1, same),
          shape[2]
        });
  }
}
