package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ZeroPadding2D, symmetric or not ({@code ((top, bottom), (left, right))}, as MobileNet's strided
 * convolutions use).
 */
final class ZeroPadding2DCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("ZeroPadding2D");
  }

  @Override
  public List<Class<? extends Layer>> dl4jLayers() {
    return List.of(ZeroPaddingLayer.class);
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(3, name, "ZeroPadding2D");
    in.channelsLast(c, name);
    int[] tblr = fourSides(c.path("padding"));
    int t = tblr[0];
    int b = tblr[1];
    int l = tblr[2];
    int r = tblr[3];
    in.addLayer(
        new ZeroPaddingLayer.Builder(t, b, l, r).name(name).dataFormat(CNN2DFormat.NHWC).build());
    long[] shape = in.shape();
    in.shape(new long[] {shape[0] + t + b, shape[1] + l + r, shape[2]});
  }

  /** Keras's n, (rows, cols) or ((top, bottom), (left, right)) as {top, bottom, left, right}. */
  static int[] fourSides(JsonNode p) {
    if (p.isInt()) {
      int n = p.asInt();
      return new int[] {n, n, n, n};
    }
    if (p.get(0).isInt()) {
      return new int[] {p.get(0).asInt(), p.get(0).asInt(), p.get(1).asInt(), p.get(1).asInt()};
    }
    return new int[] {
      p.get(0).get(0).asInt(),
      p.get(0).get(1).asInt(),
      p.get(1).get(0).asInt(),
      p.get(1).get(1).asInt()
    };
  }

  @Override
  public void write(Dl4jToKeras out, Layer layer, Map<String, INDArray> params, String name) {
    int[] p = ((ZeroPaddingLayer) layer).getPadding();
    write(out, name, p[0], p[1], p[2], p[3]);
  }

  /** Zero padding as a Keras layer (also the explicit padding of a DL4J convolution). */
  static void write(Dl4jToKeras out, String name, int top, int bottom, int left, int right) {
    out.requireRank(3, name, "ZeroPadding2D");
    ObjectNode c = out.config(name);
    c.set(
        "padding",
        KerasConfigs.JSON
            .createArrayNode()
            .add(KerasConfigs.pair(top, bottom))
            .add(KerasConfigs.pair(left, right)));
    c.put("data_format", "channels_last");
    out.add("ZeroPadding2D", c, List.of());
    long[] shape = out.shape();
    out.shape(new long[] {shape[0] + top + bottom, shape[1] + left + right, shape[2]});
  }
}
