package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.converter.KerasReshapePreProcessor;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * MaxPooling1D and AveragePooling1D over a time-major sequence, as 2D pooling of a one-column
 * image: DL4J's own 1D pooling reads sequences channels first only.
 */
final class Pooling1DCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("MaxPooling1D", "AveragePooling1D");
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(2, name, kerasClass);
    in.channelsLast(c, name);
    long[] shape = in.shape();
    int k = KerasToDl4j.pair(c.path("pool_size"))[0];
    int s =
        c.path("strides").isNull() || c.path("strides").isMissingNode()
            ? k
            : KerasToDl4j.pair(c.path("strides"))[0];
    boolean same = c.path("padding").asText("valid").equals("same");
    long steps = KerasToDl4j.outSize(shape[0], k, s, 1, same);
    in.preprocess(new KerasReshapePreProcessor(shape, new long[] {shape[0], 1, shape[1]}));
    in.addLayer(
        new SubsamplingLayer.Builder(
                kerasClass.startsWith("Max") ? PoolingType.MAX : PoolingType.AVG)
            .name(name)
            .kernelSize(k, 1)
            .stride(s, 1)
            .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate)
            .dataFormat(CNN2DFormat.NHWC)
            .avgPoolIncludePadInDivisor(false)
            .build());
    in.preprocess(
        new KerasReshapePreProcessor(
            new long[] {steps, 1, shape[1]}, new long[] {steps, shape[1]}));
    in.shape(new long[] {steps, shape[1]});
  }
}
