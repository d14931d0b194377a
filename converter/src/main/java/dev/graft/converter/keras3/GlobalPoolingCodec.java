package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.converter.layers.SequenceNwcToNcw;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Global average and max pooling, without keepdims: 2D over height and width, 1D over time. */
final class GlobalPoolingCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of(
        "GlobalAveragePooling2D",
        "GlobalMaxPooling2D",
        "GlobalAveragePooling1D",
        "GlobalMaxPooling1D");
  }

  @Override
  public List<Class<? extends Layer>> dl4jLayers() {
    return List.of(GlobalPoolingLayer.class);
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    boolean sequence = kerasClass.endsWith("1D");
    // Over height and width of [h, w, c], or over time of a time-major sequence [t, c].
    in.requireRank(sequence ? 2 : 3, name, "global pooling");
    in.channelsLast(c, name);
    if (c.path("keepdims").asBoolean(false)) {
      throw in.unsupported(name, "global pooling with keepdims=True");
    }
    boolean masked = sequence && in.masked();
    if (masked && kerasClass.contains("Max")) {
      throw in.unsupported(name, "GlobalMaxPooling1D after an Embedding with mask_zero=True");
    }
    if (masked) {
      // DL4J averages a masked sequence over its unmasked steps, as Keras does, but only when the
      // sequence is channels first
      in.preprocess(new SequenceNwcToNcw());
    }
    in.addLayer(
        new GlobalPoolingLayer.Builder(
                kerasClass.contains("Max") ? PoolingType.MAX : PoolingType.AVG)
            .name(name)
            .poolingDimensions(masked ? new int[] {2} : sequence ? new int[] {1} : new int[] {1, 2})
            .collapseDimensions(true)
            .build());
    long[] shape = in.shape();
    in.shape(new long[] {shape[shape.length - 1]});
  }

  @Override
  public void write(Dl4jToKeras out, Layer layer, Map<String, INDArray> params, String name) {
    GlobalPoolingLayer g = (GlobalPoolingLayer) layer;
    boolean overTime = out.shape().length == 2; // a time-major sequence [time, features]
    if (!overTime) {
      out.requireRank(3, name, "global pooling");
    }
    boolean max = g.getPoolingType() == PoolingType.MAX;
    if (!max && g.getPoolingType() != PoolingType.AVG) {
      throw dev.graft.GraftException.unsupported(
          "layer '" + name + "': global " + g.getPoolingType() + " pooling has no Keras layer");
    }
    ObjectNode c = out.config(name);
    c.put("data_format", "channels_last");
    c.put("keepdims", false);
    String dims = overTime ? "1D" : "2D";
    out.add(max ? "GlobalMaxPooling" + dims : "GlobalAveragePooling" + dims, c, List.of());
    long[] shape = out.shape();
    out.shape(new long[] {shape[shape.length - 1]});
  }
}
