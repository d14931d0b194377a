package dev.graft.converter.onnx;

import static dev.graft.converter.onnx.GraphBuilder.attr;
import static dev.graft.converter.onnx.GraphBuilder.ints;
import static dev.graft.converter.onnx.GraphBuilder.strings;

import dev.graft.GraftException;
import dev.graft.converter.dl4j.Dl4jParams;
import dev.graft.converter.layers.Gru;
import dev.graft.onnx.AttributeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's recurrent layers as ONNX's LSTM, GRU and RNN operators: LSTM, graft's {@link Gru} (both
 * reset_after settings: ONNX's linear_before_reset), SimpleRnn, each alone, under LastTimeStep (the
 * final state, Y_h), or in a Bidirectional (direction "bidirectional", the two directions merged as
 * the wrapper's mode says; over LastTimeStep each direction's final state, as Keras's Bidirectional
 * without return_sequences). graft maps Keras sequences time-major ([batch, time, features]: DL4J's
 * NWC); the operators take [time, batch, features], so the input is transposed in and the output
 * back. Weights are reordered from DL4J's layouts to ONNX's [directions, gates * hidden, inputs]
 * with gates in ONNX's order (LSTM: i, o, f, c; GRU: z, r, h, as Keras has them).
 */
final class RecurrentOps {
  private RecurrentOps() {}

  /** Whether {@code layer} is one this class writes. */
  static boolean handles(Layer layer) {
    Layer inner = layer instanceof LastTimeStep l ? l.getUnderlying() : layer;
    if (inner instanceof Bidirectional b) {
      Layer f = b.getFwd();
      inner = f instanceof LastTimeStep l ? l.getUnderlying() : f;
    }
    return inner.getClass() == LSTM.class || inner instanceof Gru || inner instanceof SimpleRnn;
  }

  static String apply(
      GraphBuilder g, Layer layer, Map<String, INDArray> params, String x, String name) {
    boolean lastOfAll = layer instanceof LastTimeStep;
    Layer inner = lastOfAll ? ((LastTimeStep) layer).getUnderlying() : layer;
    String sequence = g.node("Transpose", name + "/ToTimeMajor", x, ints("perm", 1, 0, 2));
    String y;
    if (inner instanceof Bidirectional b) {
      Layer f = b.getFwd();
      boolean finalStates = f instanceof LastTimeStep;
      BaseRecurrentLayer cell =
          (BaseRecurrentLayer) (finalStates ? ((LastTimeStep) f).getUnderlying() : f);
      String[] out =
          operator(
              g,
              cell,
              List.of(Dl4jParams.direction(params, "f"), Dl4jParams.direction(params, "b")),
              sequence,
              name);
      // each direction's sequence [time, batch, hidden], or final state [batch, hidden]
      String fwd = direction(g, out, finalStates, 0, name + "/Forward");
      String bwd = direction(g, out, finalStates, 1, name + "/Backward");
      y = merge(g, b.getMode(), fwd, bwd, finalStates ? 1 : 2, name);
      if (!finalStates) {
        y = g.node("Transpose", name + "/ToBatchMajor", y, ints("perm", 1, 0, 2));
      }
    } else {
      String[] out = operator(g, (BaseRecurrentLayer) inner, List.of(params), sequence, name);
      if (lastOfAll) {
        return direction(g, out, true, 0, name + "/FinalState");
      }
      String one = direction(g, out, false, 0, name + "/Direction");
      return g.node("Transpose", name + "/ToBatchMajor", one, ints("perm", 1, 0, 2));
    }
    if (lastOfAll) {
      // the merged sequence's last step (not a direction's final state)
      return g.node(
          "Gather",
          name + "/LastStep",
          new String[] {y, g.scalarInt64(name + "/last", -1L)},
          attr("axis", 1L));
    }
    return y;
  }

  /**
   * One direction of an operator's outputs: its sequence from Y [time, directions, batch, hidden],
   * or its final state from Y_h [directions, batch, hidden].
   */
  private static String direction(
      GraphBuilder g, String[] out, boolean finalState, long d, String nodeName) {
    return g.node(
        "Gather",
        nodeName,
        new String[] {finalState ? out[1] : out[0], g.scalarInt64(nodeName + "/index", d)},
        attr("axis", finalState ? 0L : 1L));
  }

  /** Two directions' outputs along {@code axis} (their hidden axis) as the mode merges them. */
  private static String merge(
      GraphBuilder g, Bidirectional.Mode mode, String fwd, String bwd, int axis, String name) {
    return switch (mode) {
      case CONCAT ->
          g.node("Concat", name + "/Concat", new String[] {fwd, bwd}, attr("axis", (long) axis));
      case ADD -> g.node("Add", name + "/Sum", new String[] {fwd, bwd});
      case MUL -> g.node("Mul", name + "/Mul", new String[] {fwd, bwd});
      case AVERAGE ->
          g.node(
              "Mul",
              name + "/Half",
              new String[] {
                g.node("Add", name + "/Sum", new String[] {fwd, bwd}),
                g.floats(name + "/half", new float[] {0.5f}, 1)
              });
    };
  }

  /**
   * The operator over {@code x} [time, batch, features], one parameter map per direction; returns Y
   * [time, directions, batch, hidden] and Y_h [directions, batch, hidden].
   */
  private static String[] operator(
      GraphBuilder g,
      BaseRecurrentLayer cell,
      List<Map<String, INDArray>> directions,
      String x,
      String name) {
    if (cell.getRnnDataFormat() != RNNFormat.NWC) {
      throw GraftException.unsupported(
          "layer '"
              + name
              + "' ("
              + cell.getClass().getSimpleName()
              + "): recurrent layers reading channels-first sequences cannot be exported");
    }
    long hidden = cell.getNOut();
    String op;
    int gates;
    List<AttributeProto> attributes = new ArrayList<>();
    String activation = onnx(cell.getActivationFn(), name);
    if (cell.getClass() == LSTM.class) {
      op = "LSTM";
      gates = 4;
      String gate = onnx(((LSTM) cell).getGateActivationFn(), name);
      attributes.add(
          strings("activations", repeat(directions.size(), gate, activation, activation)));
    } else if (cell instanceof Gru gru) {
      op = "GRU";
      gates = 3;
      String gate = onnx(gru.getGateActivationFn(), name);
      attributes.add(strings("activations", repeat(directions.size(), gate, activation)));
      attributes.add(attr("linear_before_reset", gru.isResetAfter() ? 1L : 0L));
    } else {
      op = "RNN";
      gates = 1;
      attributes.add(strings("activations", repeat(directions.size(), activation)));
    }
    attributes.add(attr("hidden_size", hidden));
    if (directions.size() == 2) {
      attributes.add(attr("direction", "bidirectional"));
    }
    List<INDArray> w = new ArrayList<>();
    List<INDArray> r = new ArrayList<>();
    List<INDArray> b = new ArrayList<>();
    for (Map<String, INDArray> p : directions) {
      INDArray kernel = p.get("W");
      INDArray recurrent = p.get("RW");
      INDArray bias = Dl4jParams.biasRow(p, "b", gates * hidden);
      INDArray recurrentBias = Dl4jParams.biasRow(p, "rb", gates * hidden);
      if (gates == 4) {
        // DL4J's (c, f, o, i) as ONNX's (i, o, f, c)
        kernel = Dl4jParams.gateBlocks(kernel, hidden, 3, 2, 1, 0);
        recurrent = Dl4jParams.gateBlocks(recurrent, hidden, 3, 2, 1, 0);
        bias = Dl4jParams.gateBlocks(bias, hidden, 3, 2, 1, 0);
      }
      w.add(kernel.transpose().dup('c'));
      r.add(recurrent.transpose().dup('c'));
      b.add(Nd4j.hstack(bias, recurrentBias));
    }
    long inputs = w.get(0).size(1);
    long d = directions.size();
    String[] in = {
      x,
      g.floats(name + "/W", Nd4j.stack(0, w.toArray(INDArray[]::new)), d, gates * hidden, inputs),
      g.floats(name + "/R", Nd4j.stack(0, r.toArray(INDArray[]::new)), d, gates * hidden, hidden),
      g.floats(name + "/B", Nd4j.vstack(b.toArray(INDArray[]::new)), d, 2 * gates * hidden)
    };
    return g.nodeOutputs(op, name, in, 2, attributes.toArray(AttributeProto[]::new));
  }

  private static String[] repeat(int times, String... each) {
    String[] out = new String[times * each.length];
    for (int t = 0; t < times; t++) {
      System.arraycopy(each, 0, out, t * each.length, each.length);
    }
    return out;
  }

  /** The recurrent operators' activation names ONNX Runtime implements, for DL4J's. */
  private static String onnx(IActivation fn, String name) {
    if (fn instanceof ActivationTanH) {
      return "Tanh";
    }
    if (fn instanceof ActivationSigmoid) {
      return "Sigmoid";
    }
    if (fn instanceof ActivationReLU relu
        && relu.toString().equals(new ActivationReLU().toString())) {
      return "Relu";
    }
    if (fn instanceof ActivationHardSigmoid) {
      return "HardSigmoid"; // DL4J's 0.2 x + 0.5, clipped: ONNX's default alpha and beta
    }
    throw GraftException.unsupported(
        "layer '"
            + name
            + "': recurrent activation "
            + fn
            + " cannot be exported (tanh, sigmoid, relu, hard sigmoid can)");
  }
}
