package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.converter.dl4j.Dl4jInternals;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.dropout.AlphaDropout;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.dropout.GaussianNoise;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.dropout.SpatialDropout;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Dropout, SpatialDropout1D/2D, AlphaDropout, GaussianDropout and GaussianNoise: DL4J DropoutLayers
 * (identity at inference). Keras gives the rate dropped, DL4J the probability kept.
 */
final class DropoutCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of(
        "Dropout",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "AlphaDropout",
        "GaussianDropout",
        "GaussianNoise");
  }

  @Override
  public List<Class<? extends Layer>> dl4jLayers() {
    return List.of(DropoutLayer.class);
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    IDropout dropout =
        switch (kerasClass) {
          case "AlphaDropout" -> new AlphaDropout(1 - c.path("rate").asDouble());
          case "GaussianDropout" -> new GaussianDropout(c.path("rate").asDouble());
          case "GaussianNoise" -> new GaussianNoise(c.path("stddev").asDouble());
            // whole feature maps (2D) or whole features over time (1D) dropped, as Keras does
          case "SpatialDropout1D", "SpatialDropout2D" ->
              new SpatialDropout(1 - c.path("rate").asDouble());
          default -> new Dropout(1 - c.path("rate").asDouble());
        };
    if (in.masked()) {
      // DL4J's DropoutLayer cannot take a sequence mask: the dropout goes on the next layer's input
      in.inputDropoutForNextLayer(dropout, name);
      return;
    }
    in.addLayer(new DropoutLayer.Builder().name(name).dropOut(dropout).build());
  }

  @Override
  public void write(Dl4jToKeras out, Layer layer, Map<String, INDArray> params, String name) {
    write(out, ((DropoutLayer) layer).getIDropout(), name);
  }

  /** A dropout as a Keras layer (also a DL4J layer's input dropout, written before it). */
  static void write(Dl4jToKeras out, IDropout d, String name) {
    ObjectNode c = out.config(name);
    String cls;
    if (d instanceof Dropout p && p.getPSchedule() == null) {
      cls = "Dropout";
      c.put("rate", 1 - p.getP());
      c.putNull("noise_shape");
      c.putNull("seed");
    } else if (d instanceof AlphaDropout a) {
      cls = "AlphaDropout";
      c.put("rate", 1 - field(a, "p"));
      c.putNull("noise_shape");
      c.putNull("seed");
    } else if (d instanceof GaussianDropout g) {
      cls = "GaussianDropout";
      c.put("rate", field(g, "rate"));
      c.putNull("seed");
    } else if (d instanceof SpatialDropout sd && sd.getPSchedule() == null) {
      // Keras's spatial dropout: 2D on images (height, width, channels), 1D on sequences
      cls = out.shape().length == 3 ? "SpatialDropout2D" : "SpatialDropout1D";
      c.put("rate", 1 - sd.getP());
      c.putNull("seed");
    } else if (d instanceof GaussianNoise n) {
      cls = "GaussianNoise";
      c.put("stddev", field(n, "stddev"));
      c.putNull("seed");
    } else {
      throw GraftException.unsupported(
          "layer '" + name + "': dropout " + d + " cannot be written as .keras");
    }
    out.add(cls, c, List.of());
  }

  private static double field(Object o, String name) {
    return ((Number) Dl4jInternals.field(o, o.getClass(), name)).doubleValue();
  }
}
