package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;

/** UpSampling2D with nearest-neighbour interpolation (Keras's default): each pixel repeated. */
final class UpSampling2DCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("UpSampling2D");
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(3, name, "UpSampling2D");
    in.channelsLast(c, name);
    String interpolation = c.path("interpolation").asText("nearest");
    if (!interpolation.equals("nearest")) {
      throw in.unsupported(name, "UpSampling2D interpolation " + interpolation + " (nearest is)");
    }
    int[] size = KerasToDl4j.pair(c.path("size"));
    in.addLayer(
        new Upsampling2D.Builder().name(name).size(size).dataFormat(CNN2DFormat.NHWC).build());
    long[] shape = in.shape();
    in.shape(new long[] {shape[0] * size[0], shape[1] * size[1], shape[2]});
  }
}
