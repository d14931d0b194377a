package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.converter.dl4j.Dl4jParams;
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
  public List<Class<? extends Layer>> dl4jLayers() {
    return List.of(LSTM.class, Gru.class, SimpleRnn.class, LastTimeStep.class);
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

  @Override
  public void write(Dl4jToKeras out, Layer layer, Map<String, INDArray> params, String name) {
    out.requireRank(2, name, "a recurrent layer");
    boolean sequences = !(layer instanceof LastTimeStep);
    Layer inner = sequences ? layer : ((LastTimeStep) layer).getUnderlying();
    if (!(inner instanceof BaseRecurrentLayer cell)) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': the last step of "
              + inner.getClass().getSimpleName()
              + " has no Keras layer");
    }
    String kerasClass = kerasClass(cell, name);
    ObjectNode c = out.config(name);
    config(c, cell, sequences, false, name);
    out.addNested(kerasClass, c, Map.of("cell", vars(cell, params)));
    long units = cell.getNOut();
    long[] shape = out.shape();
    out.shape(sequences ? new long[] {shape[0], units} : new long[] {units});
  }

  /** Keras's class for a DL4J recurrent layer graft writes. */
  static String kerasClass(BaseRecurrentLayer cell, String name) {
    if (cell.getRnnDataFormat() != RNNFormat.NWC) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': a recurrent layer over channels-first sequences has no Keras layer");
    }
    if (cell.getClass() == LSTM.class) {
      return "LSTM";
    }
    if (cell instanceof Gru) {
      return "GRU";
    }
    if (cell instanceof SimpleRnn) {
      return "SimpleRNN";
    }
    throw GraftException.unsupported(
        "layer '" + name + "' (" + cell.getClass().getSimpleName() + ") has no Keras layer");
  }

  /** Keras's get_config keys for the layer (Keras's defaults where DL4J has no such setting). */
  static void config(
      ObjectNode c, BaseRecurrentLayer cell, boolean sequences, boolean backwards, String name) {
    String activation = ActivationCodec.kerasName(cell.getActivationFn());
    if (activation == null) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "': recurrent activation "
              + cell.getActivationFn()
              + " has no Keras name");
    }
    c.put("units", cell.getNOut());
    c.put("activation", activation);
    if (!(cell instanceof SimpleRnn)) {
      var gate =
          cell instanceof Gru g ? g.getGateActivationFn() : ((LSTM) cell).getGateActivationFn();
      if (!(gate instanceof org.nd4j.linalg.activations.impl.ActivationSigmoid)) {
        throw GraftException.unsupported(
            "layer '"
                + name
                + "': gate activation "
                + gate
                + " (Keras's recurrent_activation is sigmoid)");
      }
      c.put("recurrent_activation", "sigmoid");
    }
    c.put("use_bias", true);
    c.set("kernel_initializer", KerasConfigs.initializer("GlorotUniform"));
    c.set("recurrent_initializer", KerasConfigs.initializer("Orthogonal"));
    c.set("bias_initializer", KerasConfigs.initializer("Zeros"));
    if (cell.getClass() == LSTM.class) {
      c.put("unit_forget_bias", true);
    }
    KerasConfigs.putNulls(
        c,
        "kernel_regularizer",
        "recurrent_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "kernel_constraint",
        "recurrent_constraint",
        "bias_constraint");
    c.put("dropout", 0.0);
    c.put("recurrent_dropout", 0.0);
    c.put("return_sequences", sequences);
    c.put("return_state", false);
    c.put("go_backwards", backwards);
    c.put("stateful", false);
    c.put("unroll", false);
    if (cell instanceof Gru g) {
      c.put("reset_after", g.isResetAfter());
    }
  }

  /** Keras's variables of the cell (kernel, recurrent kernel, bias) from DL4J's parameters. */
  static List<Object> vars(BaseRecurrentLayer cell, Map<String, INDArray> params) {
    long units = cell.getNOut();
    int gates = cell.getClass() == LSTM.class ? 4 : cell instanceof Gru ? 3 : 1;
    INDArray w = params.get("W");
    INDArray rw = params.get("RW");
    INDArray b = Dl4jParams.biasRow(params, "b", gates * units);
    if (gates == 4) {
      // DL4J's (c, f, o, i) as Keras's (i, f, c, o)
      w = Dl4jParams.gateBlocks(w, units, 3, 1, 0, 2);
      rw = Dl4jParams.gateBlocks(rw, units, 3, 1, 0, 2);
      b = Dl4jParams.gateBlocks(b, units, 3, 1, 0, 2);
    }
    List<Object> vars = new java.util.ArrayList<>();
    vars.add(w.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatMatrix());
    vars.add(rw.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatMatrix());
    if (cell instanceof Gru g && g.isResetAfter()) {
      INDArray rb = Dl4jParams.biasRow(params, "rb", 3 * units);
      vars.add(
          Nd4j.vstack(b, rb).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatMatrix());
    } else {
      vars.add(Dl4jToKeras.vector(b));
    }
    return vars;
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
      // Keras's (i, f, c, o) as DL4J's (c, f, o, i)
      params.put("W", Dl4jParams.gateBlocks(vars.get(0), units, 2, 1, 3, 0));
      params.put("RW", Dl4jParams.gateBlocks(vars.get(1), units, 2, 1, 3, 0));
      params.put("b", Dl4jParams.gateBlocks(b.reshape(1, 4 * units), units, 2, 1, 3, 0));
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
}
