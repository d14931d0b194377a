package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bidirectional(LSTM, GRU or SimpleRNN): DL4J's Bidirectional over the same layer, merged as
 * Keras's merge_mode says. Without return_sequences each direction gives its final state (for the
 * backward one, after reading the whole reversed sequence), so the last step is taken inside each
 * direction, as Keras does, not of the merged sequence.
 */
final class BidirectionalCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("Bidirectional");
  }

  @Override
  public List<Class<? extends org.deeplearning4j.nn.conf.layers.Layer>> dl4jLayers() {
    return List.of(Bidirectional.class);
  }

  @Override
  public void write(
      Dl4jToKeras out,
      org.deeplearning4j.nn.conf.layers.Layer layer,
      Map<String, INDArray> params,
      String name) {
    out.requireRank(2, name, "Bidirectional");
    Bidirectional b = (Bidirectional) layer;
    org.deeplearning4j.nn.conf.layers.Layer f = b.getFwd();
    boolean sequences = !(f instanceof LastTimeStep);
    org.deeplearning4j.nn.conf.layers.Layer inner =
        sequences ? f : ((LastTimeStep) f).getUnderlying();
    if (!(inner instanceof BaseRecurrentLayer cell)) {
      throw dev.graft.GraftException.unsupported(
          "layer '"
              + name
              + "': Bidirectional("
              + inner.getClass().getSimpleName()
              + ") has no Keras layer");
    }
    String innerClass = RecurrentCodec.kerasClass(cell, name);
    ObjectNode c = out.config(name);
    c.put(
        "merge_mode",
        switch (b.getMode()) {
          case CONCAT -> "concat";
          case ADD -> "sum";
          case MUL -> "mul";
          case AVERAGE -> "ave";
        });
    ObjectNode forward = KerasConfigs.layerConfig(name + "_forward");
    RecurrentCodec.config(forward, cell, sequences, false, name);
    ObjectNode backward = KerasConfigs.layerConfig(name + "_backward");
    RecurrentCodec.config(backward, cell, sequences, true, name);
    c.set("layer", KerasConfigs.object("keras.layers", innerClass, forward));
    c.set("backward_layer", KerasConfigs.object("keras.layers", innerClass, backward));
    Map<String, List<Object>> vars = new java.util.LinkedHashMap<>();
    vars.put(
        "forward_layer/cell",
        RecurrentCodec.vars(cell, dev.graft.converter.dl4j.Dl4jParams.direction(params, "f")));
    vars.put(
        "backward_layer/cell",
        RecurrentCodec.vars(cell, dev.graft.converter.dl4j.Dl4jParams.direction(params, "b")));
    out.addNested("Bidirectional", c, vars);
    long units = cell.getNOut();
    long width = b.getMode() == Bidirectional.Mode.CONCAT ? 2 * units : units;
    long[] shape = out.shape();
    out.shape(sequences ? new long[] {shape[0], width} : new long[] {width});
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(2, name, "Bidirectional");
    long[] shape = in.shape();
    JsonNode inner = c.path("layer");
    String innerClass = inner.path("class_name").asText();
    JsonNode ic = inner.path("config");
    if (!List.of("LSTM", "GRU", "SimpleRNN").contains(innerClass)) {
      throw in.unsupported(name, "Bidirectional(" + innerClass + ") (LSTM, GRU and SimpleRNN are)");
    }
    // Keras 3 writes the backward copy it made; one the user built differently is refused.
    JsonNode backward = c.path("backward_layer");
    if (backward.isObject()
        && (!backward.path("class_name").asText().equals(innerClass)
            || backward.path("config").path("units").asLong() != ic.path("units").asLong()
            || !backward.path("config").path("go_backwards").asBoolean(false))) {
      throw in.unsupported(name, "Bidirectional with a backward_layer unlike its forward one");
    }
    Bidirectional.Mode mode =
        switch (c.path("merge_mode").asText("concat")) {
          case "concat" -> Bidirectional.Mode.CONCAT;
          case "sum" -> Bidirectional.Mode.ADD;
          case "mul" -> Bidirectional.Mode.MUL;
          case "ave" -> Bidirectional.Mode.AVERAGE;
          default ->
              throw in.unsupported(
                  name, "merge_mode " + c.path("merge_mode") + " (concat, sum, mul, ave are)");
        };
    List<INDArray> vars = in.vars();
    int half = vars.size() / 2;
    RecurrentCodec.Built fwd =
        RecurrentCodec.build(in, innerClass, ic, name, shape[1], vars.subList(0, half));
    RecurrentCodec.Built bwd =
        RecurrentCodec.build(in, innerClass, ic, name, shape[1], vars.subList(half, vars.size()));
    boolean sequences = ic.path("return_sequences").asBoolean(false);
    Layer wrapped = sequences ? fwd.layer() : RecurrentCodec.lastStep(fwd.layer(), name);
    Bidirectional layer = new Bidirectional(mode, wrapped);
    layer.setLayerName(name);
    in.addLayer(layer, l -> set(l, fwd.params(), bwd.params()));
    long units = ic.path("units").asLong();
    long out = mode == Bidirectional.Mode.CONCAT ? 2 * units : units;
    in.shape(sequences ? new long[] {shape[0], out} : new long[] {out});
  }

  private static void set(
      org.deeplearning4j.nn.api.Layer l,
      Map<String, INDArray> forward,
      Map<String, INDArray> backward) {
    forward.forEach((k, v) -> l.setParam("f" + k, v));
    backward.forEach((k, v) -> l.setParam("b" + k, v));
  }
}
