package dev.graft.converter.onnx;

import static dev.graft.converter.onnx.GraphBuilder.attr;

import dev.graft.GraftException;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationCube;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationRReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;

/** DL4J activation functions as ONNX operators, at inference. */
final class ActivationOps {
  /** DL4J's SELU constants (ONNX's defaults differ in the last digits). */
  private static final float SELU_ALPHA = 1.6732632423543772f;

  private static final float SELU_GAMMA = 1.0507009873554805f;

  private ActivationOps() {}

  /** Applies {@code fn} to {@code x} (of rank {@code rank}); returns the output tensor name. */
  static String apply(GraphBuilder g, IActivation fn, String x, int rank, String layer) {
    String n = layer + "/";
    if (fn == null || fn instanceof ActivationIdentity) {
      return x;
    }
    if (fn instanceof ActivationReLU relu) {
      return relu(g, relu, x, layer);
    }
    if (fn instanceof ActivationLReLU l) {
      return g.node("LeakyRelu", n + "LeakyRelu", x, attr("alpha", (float) l.getAlpha()));
    }
    if (fn instanceof ActivationRReLU r) {
      // What DL4J 1.0.0-M2.1 computes at inference (measured): max(x, (l+u)/2), not the paper's
      // leaky ReLU with slope (l+u)/2. The exported model must compute what the source computes.
      String floor = g.floats(n + "rrelu_floor", new float[] {(float) ((r.getL() + r.getU()) / 2)});
      return g.node("Max", n + "RReLU", new String[] {x, floor});
    }
    if (fn instanceof ActivationELU e) {
      return g.node("Elu", n + "Elu", x, attr("alpha", (float) e.getAlpha()));
    }
    if (fn instanceof ActivationSELU) {
      return g.node("Selu", n + "Selu", x, attr("alpha", SELU_ALPHA), attr("gamma", SELU_GAMMA));
    }
    if (fn instanceof ActivationSigmoid) {
      return g.node("Sigmoid", n + "Sigmoid", x);
    }
    if (fn instanceof ActivationTanH) {
      return g.node("Tanh", n + "Tanh", x);
    }
    if (fn instanceof ActivationSoftPlus) {
      return g.node("Softplus", n + "Softplus", x);
    }
    if (fn instanceof ActivationSoftSign) {
      return g.node("Softsign", n + "Softsign", x);
    }
    if (fn instanceof ActivationSoftmax) {
      if (rank != 2) {
        throw GraftException.unsupported(
            "layer '" + layer + "': softmax over a rank-" + rank + " tensor cannot be exported");
      }
      return g.node("Softmax", n + "Softmax", x, attr("axis", 1L));
    }
    if (fn instanceof dev.graft.converter.ActivationLogSoftmax) {
      if (rank != 2) {
        throw GraftException.unsupported(
            "layer '"
                + layer
                + "': log softmax over a rank-"
                + rank
                + " tensor cannot be exported");
      }
      return g.node("LogSoftmax", n + "LogSoftmax", x, attr("axis", 1L));
    }
    if (fn instanceof ActivationHardSigmoid) {
      return g.node("HardSigmoid", n + "HardSigmoid", x, attr("alpha", 0.2f), attr("beta", 0.5f));
    }
    if (fn instanceof ActivationHardTanH) {
      return clip(g, x, -1f, 1f, n + "HardTanh");
    }
    if (fn instanceof ActivationReLU6) {
      return clip(g, x, 0f, 6f, n + "ReLU6");
    }
    if (fn instanceof ActivationThresholdedReLU t) {
      return g.node(
          "ThresholdedRelu", n + "ThresholdedRelu", x, attr("alpha", (float) t.getTheta()));
    }
    if (fn instanceof ActivationSwish) {
      String s = g.node("Sigmoid", n + "Swish/Sigmoid", x);
      return g.node("Mul", n + "Swish", new String[] {x, s});
    }
    if (fn instanceof ActivationCube) {
      String sq = g.node("Mul", n + "Cube/Square", new String[] {x, x});
      return g.node("Mul", n + "Cube", new String[] {sq, x});
    }
    throw GraftException.unsupported(
        "layer '"
            + layer
            + "': activation "
            + fn
            + " cannot be exported to ONNX "
            + "(supported: relu, leakyrelu, rrelu, elu, selu, sigmoid, tanh, softmax, softplus, softsign, hardsigmoid, "
            + "hardtanh, relu6, thresholdedrelu, swish, cube, identity)");
  }

  /**
   * DL4J's ReLU with Keras's options: x if x >= threshold, else negative_slope * (x - threshold),
   * then capped at max_value.
   */
  private static String relu(GraphBuilder g, ActivationReLU relu, String x, String layer) {
    Double max = dev.graft.converter.dl4j.Dl4jParams.reluOption(relu, "max");
    Double threshold = dev.graft.converter.dl4j.Dl4jParams.reluOption(relu, "threshold");
    Double slope = dev.graft.converter.dl4j.Dl4jParams.reluOption(relu, "negativeSlope");
    double t = threshold == null ? 0 : threshold;
    double s = slope == null ? 0 : slope;
    String n = layer + "/";
    String y;
    if (t == 0 && s == 0) {
      if (max != null) {
        return clip(g, x, 0f, max.floatValue(), n + "Relu");
      }
      return g.node("Relu", n + "Relu", x);
    }
    String tName = g.floats(n + "threshold", new float[] {(float) t});
    String shifted = g.node("Sub", n + "Sub", new String[] {x, tName});
    String negative =
        g.node(
            "Mul",
            n + "NegativeSlope",
            new String[] {shifted, g.floats(n + "slope", new float[] {(float) s})});
    String keep = g.node("GreaterOrEqual", n + "AboveThreshold", new String[] {x, tName});
    y = g.node("Where", n + "Relu", new String[] {keep, x, negative});
    if (max != null) {
      y =
          g.node(
              "Min",
              n + "Max",
              new String[] {y, g.floats(n + "max", new float[] {max.floatValue()})});
    }
    return y;
  }

  static String clip(GraphBuilder g, String x, float lo, float hi, String name) {
    return g.node(
        "Clip",
        name,
        new String[] {
          x, g.floats(name + "/min", new float[] {lo}), g.floats(name + "/max", new float[] {hi})
        });
  }
}
