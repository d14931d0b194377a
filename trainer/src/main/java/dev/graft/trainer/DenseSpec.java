package dev.graft.trainer;

import dev.graft.GraftException;
import java.util.Locale;
import java.util.Set;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A Dense layer of a new head: units and a Keras activation name. */
public record DenseSpec(int units, String activation) {
  private static final Set<String> ACTIVATIONS =
      Set.of(
          "linear", "relu", "leakyrelu", "elu", "selu", "sigmoid", "tanh", "softmax", "softplus");

  public DenseSpec {
    activation = activation.toLowerCase(Locale.ROOT).replace("_", "");
    if (units <= 0) {
      throw GraftException.usage("a Dense layer needs at least one unit, not " + units);
    }
    if (!ACTIVATIONS.contains(activation)) {
      throw GraftException.usage("unknown activation '" + activation + "'; known: " + ACTIVATIONS);
    }
  }

  /** Parses "100:relu" or "1:sigmoid". */
  public static DenseSpec parse(String text) {
    String[] parts = text.trim().split(":");
    try {
      return new DenseSpec(
          Integer.parseInt(parts[0].trim()), parts.length > 1 ? parts[1].trim() : "linear");
    } catch (NumberFormatException e) {
      throw GraftException.usage(
          "a head layer is UNITS:ACTIVATION, like 1:sigmoid, not '" + text + "'");
    }
  }

  public Activation dl4jActivation() {
    return switch (activation) {
      case "linear" -> Activation.IDENTITY;
      case "relu" -> Activation.RELU;
      case "leakyrelu" -> Activation.LEAKYRELU;
      case "elu" -> Activation.ELU;
      case "selu" -> Activation.SELU;
      case "sigmoid" -> Activation.SIGMOID;
      case "tanh" -> Activation.TANH;
      case "softmax" -> Activation.SOFTMAX;
      case "softplus" -> Activation.SOFTPLUS;
      default -> throw new IllegalStateException(activation);
    };
  }

  /** The loss an output layer with this activation trains with, as Keras pairs them. */
  public LossFunctions.LossFunction loss() {
    return lossFor(activation);
  }

  /**
   * Binary cross-entropy after a sigmoid, categorical after a softmax, mean squared error
   * otherwise.
   */
  public static LossFunctions.LossFunction lossFor(String activation) {
    return switch (activation) {
      case "sigmoid" -> LossFunctions.LossFunction.XENT;
      case "softmax" -> LossFunctions.LossFunction.MCXENT;
      default -> LossFunctions.LossFunction.MSE;
    };
  }

  @Override
  public String toString() {
    return "Dense(" + units + ", " + activation + ")";
  }
}
