package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.converter.layers.Gru;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * LSTM, GRU and SimpleRNN over a time-major sequence [time, features] (DL4J's NWC layout): the full
 * sequence when {@code return_sequences}, else the last step (DL4J's LastTimeStep). Keras keeps an
 * LSTM's gates in the order input, forget, cell, output; DL4J in the order cell, forget, output,
 * input. DL4J has no GRU: graft's own {@link Gru} takes Keras's weights as they are.
 */
final class RecurrentCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("LSTM", "GRU", "SimpleRNN");
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(2, name, kerasClass);
    long[] shape = in.shape();
    List<INDArray> vars = in.vars();
    Built built = build(in, kerasClass, c, name, shape[1], vars);
    Layer layer =
        c.path("return_sequences").asBoolean(false) ? built.layer() : lastStep(built.layer(), name);
    in.addLayer(layer, l -> built.params().forEach(l::setParam));
    long units = c.path("units").asLong();
    in.shape(
        c.path("return_sequences").asBoolean(false)
            ? new long[] {shape[0], units}
            : new long[] {units});
  }

  /** A recurrent DL4J layer and its parameters, by DL4J's names, from Keras's variables. */
  record Built(Layer layer, Map<String, INDArray> params) {}

  static Built build(
      KerasToDl4j in,
      String kerasClass,
      JsonNode c,
      String name,
      long features,
      List<INDArray> vars) {
    if (c.path("go_backwards").asBoolean(false)) {
      throw in.unsupported(name, kerasClass + " with go_backwards=True outside Bidirectional");
    }
    if (c.path("return_state").asBoolean(false)) {
      throw in.unsupported(name, kerasClass + " with return_state=True");
    }
    long units = c.path("units").asLong();
    boolean bias = c.path("use_bias").asBoolean(true);
    int gates =
        switch (kerasClass) {
          case "LSTM" -> 4;
          case "GRU" -> 3;
          default -> 1;
        };
    if (vars.size() != (bias ? 3 : 2)) {
      throw in.badInput(name, "has " + vars.size() + " weight arrays, expected " + (bias ? 3 : 2));
    }
    in.checkShape(vars.get(0), new long[] {features, gates * units}, name);
    in.checkShape(vars.get(1), new long[] {units, gates * units}, name);
    if (gates != 1) {
      JsonNode gate = c.path("recurrent_activation");
      if (!gate.isMissingNode() && !gate.asText().equals("sigmoid")) {
        throw in.unsupported(
            name,
            kerasClass + " recurrent_activation " + gate + " (only sigmoid, Keras's default)");
      }
    }
    var activation = ActivationCodec.fromKeras(in, c.path("activation"), name);
    if (gates == 3) {
      return gru(in, c, name, features, units, vars, activation);
    }
    INDArray b = bias ? vars.get(2) : Nd4j.zeros(gates * units);
    in.checkShape(b, new long[] {gates * units}, name);
    Map<String, INDArray> params = new HashMap<>();
    Layer layer;
    if (gates == 4) {
      layer = sequence(new LSTM.Builder(), name, features, units, activation).build();
      params.put("W", cfoi(vars.get(0), units));
      params.put("RW", cfoi(vars.get(1), units));
      params.put("b", cfoi(b.reshape(1, 4 * units), units));
    } else {
      layer = sequence(new SimpleRnn.Builder(), name, features, units, activation).build();
      params.put("W", vars.get(0));
      params.put("RW", vars.get(1));
      params.put("b", b.reshape(1, units));
    }
    return new Built(layer, params);
  }

  /**
   * Keras's GRU: a bias of [3 units] means reset_before, [2, 3 units] (input and recurrent bias)
   * reset_after; the file's reset_after must agree.
   */
  private static Built gru(
      KerasToDl4j in,
      JsonNode c,
      String name,
      long features,
      long units,
      List<INDArray> vars,
      org.nd4j.linalg.activations.IActivation activation) {
    boolean resetAfter =
        c.path("reset_after").asBoolean(vars.size() == 3 && vars.get(2).rank() == 2);
    Map<String, INDArray> params = new HashMap<>();
    params.put("W", vars.get(0));
    params.put("RW", vars.get(1));
    if (vars.size() == 3) {
      INDArray b = vars.get(2);
      in.checkShape(b, resetAfter ? new long[] {2, 3 * units} : new long[] {3 * units}, name);
      params.put(
          "b",
          resetAfter
              ? b.get(NDArrayIndex.point(0), NDArrayIndex.all()).reshape(1, 3 * units)
              : b.reshape(1, 3 * units));
      if (resetAfter) {
        params.put("rb", b.get(NDArrayIndex.point(1), NDArrayIndex.all()).reshape(1, 3 * units));
      }
    }
    Layer layer =
        sequence(new Gru.Builder().resetAfter(resetAfter), name, features, units, activation)
            .build();
    return new Built(layer, params);
  }

  /** What every recurrent layer here is given: sizes, activation, time-major sequences. */
  private static <B extends BaseRecurrentLayer.Builder<B>> B sequence(
      B builder,
      String name,
      long features,
      long units,
      org.nd4j.linalg.activations.IActivation activation) {
    return builder
        .name(name)
        .nIn(features)
        .nOut(units)
        .activation(activation)
        .dataFormat(RNNFormat.NWC)
        // A wrapped layer (Bidirectional) gets no defaults from the network's config.
        .weightInit(WeightInit.XAVIER);
  }

  static Layer lastStep(Layer layer, String name) {
    LastTimeStep last = new LastTimeStep(layer);
    last.setLayerName(name);
    return last;
  }

  /** Keras's LSTM gate blocks (i, f, c, o) along the last axis, in DL4J's order (c, f, o, i). */
  private static INDArray cfoi(INDArray ifco, long units) {
    INDArray i = block(ifco, 0, units);
    INDArray f = block(ifco, 1, units);
    INDArray c = block(ifco, 2, units);
    INDArray o = block(ifco, 3, units);
    return Nd4j.hstack(c, f, o, i);
  }

  private static INDArray block(INDArray a, int k, long units) {
    return a.get(NDArrayIndex.all(), NDArrayIndex.interval(k * units, (k + 1) * units));
  }
}
