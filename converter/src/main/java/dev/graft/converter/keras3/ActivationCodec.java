package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.converter.dl4j.Dl4jParams;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
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
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Activation layers (Activation, ReLU with its options, LeakyReLU, ELU, Softmax) as DL4J
 * ActivationLayers, and the activation functions of every other layer, in both directions.
 */
final class ActivationCodec implements LayerCodec {
  static final String NAMES =
      "linear, relu, relu6, leaky_relu, elu, selu, sigmoid, tanh, softmax, softplus, softsign,"
          + " swish";

  @Override
  public List<String> kerasClasses() {
    return List.of("Activation", "ReLU", "LeakyReLU", "ELU", "Softmax");
  }

  @Override
  public List<Class<? extends Layer>> dl4jLayers() {
    return List.of(ActivationLayer.class, LossLayer.class);
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    IActivation fn =
        switch (kerasClass) {
          case "Activation" -> fromKeras(in, c.path("activation"), name);
          case "ReLU" -> relu(c);
          case "LeakyReLU" -> new ActivationLReLU(c.path("negative_slope").asDouble(0.3));
          case "ELU" -> new ActivationELU(c.path("alpha").asDouble(1.0));
          default -> {
            in.requireRank(1, name, "Softmax");
            yield new ActivationSoftmax();
          }
        };
    in.addLayer(new ActivationLayer.Builder().name(name).activation(fn).build());
  }

  @Override
  public void write(Dl4jToKeras out, Layer layer, Map<String, INDArray> params, String name) {
    IActivation fn =
        layer instanceof LossLayer loss
            ? loss.getActivationFn()
            : ((ActivationLayer) layer).getActivationFn();
    write(out, fn, name);
  }

  /** Keras's ReLU layer: max_value, negative_slope and threshold. */
  private static IActivation relu(JsonNode c) {
    JsonNode max = c.path("max_value");
    double slope = c.path("negative_slope").asDouble(0);
    double threshold = c.path("threshold").asDouble(0);
    if ((max.isNull() || max.isMissingNode()) && slope == 0 && threshold == 0) {
      return new ActivationReLU();
    }
    return new ActivationReLU(max.isNumber() ? max.asDouble() : null, threshold, slope);
  }

  /** A layer's {@code activation} config value as DL4J's function. */
  static IActivation fromKeras(KerasToDl4j in, JsonNode node, String layer) {
    String name = node.isTextual() ? node.asText() : node.path("config").asText(node.toString());
    return switch (name) {
      case "linear" -> new ActivationIdentity();
      case "relu" -> new ActivationReLU();
      case "relu6" -> new ActivationReLU6();
      case "leaky_relu" -> new ActivationLReLU(0.2);
      case "elu" -> new ActivationELU(1.0);
      case "selu" -> new ActivationSELU();
      case "sigmoid" -> new ActivationSigmoid();
      case "tanh" -> new ActivationTanH();
      case "softmax" -> new ActivationSoftmax();
      case "softplus" -> new ActivationSoftPlus();
      case "softsign" -> new ActivationSoftSign();
      case "swish", "silu" -> new ActivationSwish();
      default ->
          throw in.unsupported(
              layer, "activation '" + name + "' is not supported (supported: " + NAMES + ")");
    };
  }

  /** DL4J activations without options that Keras computes identically, by Keras's name. */
  private static final Map<Class<?>, String> SAME_ACTIVATIONS =
      Map.of(
          ActivationReLU6.class,
          "relu6",
          ActivationSELU.class,
          "selu",
          ActivationSigmoid.class,
          "sigmoid",
          ActivationTanH.class,
          "tanh",
          ActivationSoftmax.class,
          "softmax",
          ActivationSoftPlus.class,
          "softplus",
          ActivationSoftSign.class,
          "softsign",
          ActivationSwish.class,
          "silu");

  /**
   * Keras's name for an activation it computes exactly as DL4J does, or null when a layer is
   * needed.
   */
  static String kerasName(IActivation fn) {
    if (fn == null || fn instanceof ActivationIdentity) {
      return "linear";
    } else if (fn instanceof ActivationReLU r) {
      boolean plain =
          Dl4jParams.reluOption(r, "max") == null
              && orZero(Dl4jParams.reluOption(r, "negativeSlope")) == 0
              && orZero(Dl4jParams.reluOption(r, "threshold")) == 0;
      return plain ? "relu" : null;
    } else if (fn instanceof ActivationELU e) {
      return e.getAlpha() == 1.0 ? "elu" : null;
    }
    return SAME_ACTIVATIONS.get(fn.getClass());
  }

  /**
   * An activation as a layer of its own: Activation for named ones, else the layer class Keras has.
   */
  static void write(Dl4jToKeras out, IActivation fn, String name) {
    if (fn == null || fn instanceof ActivationIdentity) {
      return;
    }
    String keras = kerasName(fn);
    if (keras != null) {
      ObjectNode c = out.config(name);
      c.put("activation", keras);
      out.add("Activation", c, List.of());
    } else if (fn instanceof ActivationLReLU l) {
      ObjectNode c = out.config(name);
      c.put("negative_slope", l.getAlpha());
      out.add("LeakyReLU", c, List.of());
    } else if (fn instanceof ActivationELU e) {
      ObjectNode c = out.config(name);
      c.put("alpha", e.getAlpha());
      out.add("ELU", c, List.of());
    } else if (fn instanceof ActivationThresholdedReLU t) {
      // Keras 3 has no ThresholdedReLU; its ReLU with a threshold and no slope is the same
      // function.
      ObjectNode c = out.config(name);
      c.putNull("max_value");
      c.put("negative_slope", 0.0);
      c.put("threshold", t.getTheta());
      out.add("ReLU", c, List.of());
    } else if (fn instanceof ActivationReLU r) {
      ObjectNode c = out.config(name);
      Double max = Dl4jParams.reluOption(r, "max");
      if (max == null) {
        c.putNull("max_value");
      } else {
        c.put("max_value", max);
      }
      c.put("negative_slope", orZero(Dl4jParams.reluOption(r, "negativeSlope")));
      c.put("threshold", orZero(Dl4jParams.reluOption(r, "threshold")));
      out.add("ReLU", c, List.of());
    } else {
      throw dev.graft.GraftException.unsupported(
          "layer '"
              + name
              + "': activation "
              + fn
              + " has no Keras 3 equivalent graft can "
              + "write (supported: linear, relu and its options, relu6, leaky relu, elu, selu, sigmoid, tanh, softmax, "
              + "softplus, softsign, swish)");
    }
  }

  private static double orZero(Double d) {
    return d == null ? 0 : d;
  }
}
