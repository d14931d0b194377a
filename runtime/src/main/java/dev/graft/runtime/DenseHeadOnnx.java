package dev.graft.runtime;

import dev.graft.GraftException;
import dev.graft.onnx.AttributeProto;
import dev.graft.onnx.GraphProto;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.OperatorSetIdProto;
import dev.graft.onnx.TensorProto;
import java.util.List;
import java.util.Locale;

/**
 * Dense layers (weights, bias, activation) written as an ONNX model - a head trained outside DL4J
 * (Spark MLlib's logistic regression or perceptron) made into a graph that {@link GraphStitch} puts
 * on a trunk. Each layer is a Gemm followed by its activation; opset 13.
 */
public final class DenseHeadOnnx {
  private DenseHeadOnnx() {}

  /**
   * One layer: {@code weights} row-major [inputs][outputs] (y = x W + b); {@code activation}:
   * linear, relu, sigmoid or softmax.
   */
  public record Layer(float[] weights, float[] bias, int inputs, int outputs, String activation) {
    public Layer {
      if (weights.length != (long) inputs * outputs || bias.length != outputs) {
        throw new IllegalArgumentException(
            "a layer of "
                + inputs
                + " x "
                + outputs
                + " needs that many weights and "
                + outputs
                + " biases");
      }
      activation = activation.toLowerCase(Locale.ROOT);
      if (!List.of("linear", "relu", "sigmoid", "softmax").contains(activation)) {
        throw new IllegalArgumentException("activation: linear, relu, sigmoid or softmax");
      }
    }
  }

  /** The head: input {@code features} [batch, inputs of the first layer], output {@code output}. */
  public static ModelProto of(List<Layer> layers, String output) {
    if (layers.isEmpty()) {
      throw GraftException.usage("a head needs at least one layer");
    }
    GraphProto.Builder g = GraphProto.newBuilder().setName("head");
    g.addInput(GraphCut.floatValue("features", new long[] {layers.get(0).inputs()}));
    String x = "features";
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      if (i > 0 && l.inputs() != layers.get(i - 1).outputs()) {
        throw new IllegalArgumentException(
            "layer " + i + " does not take the previous one's output");
      }
      String w = "dense_" + i + "/W";
      String b = "dense_" + i + "/b";
      g.addInitializer(tensor(w, l.weights(), l.inputs(), l.outputs()));
      g.addInitializer(tensor(b, l.bias(), l.outputs()));
      boolean last = i == layers.size() - 1;
      String linear = l.activation().equals("linear") && last ? output : "dense_" + i + "/linear";
      g.addNode(
          NodeProto.newBuilder()
              .setOpType("Gemm")
              .setName("dense_" + i)
              .addInput(x)
              .addInput(w)
              .addInput(b)
              .addOutput(linear));
      x = linear;
      if (!l.activation().equals("linear")) {
        String act = last ? output : "dense_" + i + "/" + l.activation();
        NodeProto.Builder n =
            NodeProto.newBuilder()
                .setOpType(opType(l.activation()))
                .setName("dense_" + i + "/" + l.activation())
                .addInput(x)
                .addOutput(act);
        if (l.activation().equals("softmax")) {
          n.addAttribute(
              AttributeProto.newBuilder()
                  .setName("axis")
                  .setType(AttributeProto.AttributeType.INT)
                  .setI(-1));
        }
        g.addNode(n);
        x = act;
      }
    }
    g.addOutput(GraphCut.floatValue(output, new long[] {layers.get(layers.size() - 1).outputs()}));
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("graft")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(g)
        .build();
  }

  private static String opType(String activation) {
    return switch (activation) {
      case "relu" -> "Relu";
      case "sigmoid" -> "Sigmoid";
      default -> "Softmax";
    };
  }

  private static TensorProto tensor(String name, float[] values, long... dims) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
    return t.build();
  }
}
