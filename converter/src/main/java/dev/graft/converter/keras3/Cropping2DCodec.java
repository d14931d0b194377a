package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;

/** Cropping2D, symmetric or not ({@code ((top, bottom), (left, right))}), channels last. */
final class Cropping2DCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("Cropping2D");
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(3, name, "Cropping2D");
    in.channelsLast(c, name);
    int[] tblr = ZeroPadding2DCodec.fourSides(c.path("cropping"));
    long[] shape = in.shape();
    long h = shape[0] - tblr[0] - tblr[1];
    long w = shape[1] - tblr[2] - tblr[3];
    if (h < 1 || w < 1) {
      throw in.badInput(name, "crops a " + shape[0] + "x" + shape[1] + " input to nothing");
    }
    in.addLayer(
        new Cropping2D.Builder(tblr[0], tblr[1], tblr[2], tblr[3])
            .name(name)
            .dataFormat(CNN2DFormat.NHWC)
            .build());
    in.shape(new long[] {h, w, shape[2]});
  }
}
