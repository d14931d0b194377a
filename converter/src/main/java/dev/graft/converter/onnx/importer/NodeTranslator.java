package dev.graft.converter.onnx.importer;

import dev.graft.GraftException;
import dev.graft.onnx.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One ONNX node at a time: activations (folded into the layer before them where that layer feeds
 * nothing else), element-wise merges and concatenation, flatten and reshape (as preprocessors),
 * pass-throughs, and the shape arithmetic exporters emit; layers with weights go to {@link
 * LayerTranslator}.
 */
final class NodeTranslator {
  /** Every op type this importer knows; a model using any other is refused listing them all. */
  static final Set<String> SUPPORTED =
      Set.of(
          "Gemm",
          "MatMul",
          "Add",
          "Sub",
          "Mul",
          "Sum",
          "Mean",
          "Max",
          "Conv",
          "ConvTranspose",
          "BatchNormalization",
          "Relu",
          "LeakyRelu",
          "PRelu",
          "Elu",
          "Selu",
          "Sigmoid",
          "Tanh",
          "Softmax",
          "LogSoftmax",
          "Softplus",
          "HardSigmoid",
          "MaxPool",
          "AveragePool",
          "GlobalAveragePool",
          "GlobalMaxPool",
          "Flatten",
          "Reshape",
          "Shape",
          "Gather",
          "Unsqueeze",
          "Squeeze",
          "Concat",
          "Cast",
          "Constant",
          "Dropout",
          "Identity",
          "Pad",
          "Slice",
          // folded at import when their inputs are constants or shapes:
          "ConstantOfShape",
          "Transpose",
          "Div",
          "Neg",
          "Sqrt");

  private final OnnxGraphImporter g;
  private final LayerTranslator layers;

  NodeTranslator(OnnxGraphImporter g) {
    this.g = g;
    this.layers = new LayerTranslator(g);
  }

  void translate(NodeProto node) {
    if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
      throw unsupported(node, "operators of domain '" + node.getDomain() + "'");
    }
    NodeAttributes a = new NodeAttributes(node);
    List<Value> in = new ArrayList<>();
    for (String name : node.getInputList()) {
      in.add(name.isEmpty() ? null : g.value(name, node));
    }
    if (node.getOpType().equals("Constant")) {
      constant(node, a);
      return;
    }
    if (!in.isEmpty()
        && in.get(0) != null
        && !(in.get(0) instanceof Value.Tensor)
        && ConstantFolder.folds(node.getOpType())
        && in.stream().noneMatch(v -> v instanceof Value.Tensor)) {
      g.define(node.getOutput(0), ConstantFolder.fold(node, a, in, g));
      return;
    }
    switch (node.getOpType()) {
      case "Identity" -> g.define(node.getOutput(0), tensor(in, 0, node));
      case "Dropout" -> {
        INDArray training = in.size() > 2 ? array(in.get(2)) : null;
        if (training != null && training.getDouble(0) != 0) {
          throw unsupported(
              node,
              "Dropout in training mode (random at every run; graft imports inference graphs)");
        }
        g.define(node.getOutput(0), tensor(in, 0, node));
      }
      case "Cast" -> {
        long to = a.integer("to", 1);
        if (to != 1 && to != 11) {
          throw unsupported(
              node, "Cast of a computed tensor to type " + to + " (only to float or double)");
        }
        g.define(node.getOutput(0), tensor(in, 0, node));
      }
      case "Relu" -> activation(node, in, new ActivationReLU());
      case "LeakyRelu" -> activation(node, in, new ActivationLReLU(a.real("alpha", 0.01f)));
      case "Elu" -> activation(node, in, new ActivationELU(a.real("alpha", 1f)));
      case "Selu" -> {
        if (Math.abs(a.real("alpha", 1.6732632f) - 1.6732632f) > 1e-6
            || Math.abs(a.real("gamma", 1.0507010f) - 1.0507010f) > 1e-6) {
          throw unsupported(
              node,
              "SELU with alpha "
                  + a.real("alpha", 0)
                  + " and gamma "
                  + a.real("gamma", 0)
                  + " (only the standard constants)");
        }
        activation(node, in, new ActivationSELU());
      }
      case "Sigmoid" -> activation(node, in, new ActivationSigmoid());
      case "Tanh" -> activation(node, in, new ActivationTanH());
      case "Softplus" -> activation(node, in, new ActivationSoftPlus());
      case "HardSigmoid" -> {
        if (Math.abs(a.real("alpha", 0.2f) - 0.2f) > 1e-6
            || Math.abs(a.real("beta", 0.5f) - 0.5f) > 1e-6) {
          throw unsupported(
              node,
              "HardSigmoid with alpha "
                  + a.real("alpha", 0)
                  + ", beta "
                  + a.real("beta", 0)
                  + " (only 0.2, 0.5)");
        }
        activation(node, in, new ActivationHardSigmoid());
      }
      case "Softmax", "LogSoftmax" -> softmax(node, a, in);
      case "Add", "Sub", "Mul", "Sum", "Mean", "Max" -> elementWise(node, in);
      case "Concat" -> concat(node, a, in);
      case "Flatten" -> flatten(node, tensor(in, 0, node), (int) a.integer("axis", 1));
      case "Reshape" -> reshape(node, a, in);
      case "Shape" -> {
        long[] shape = tensor(in, 0, node).shape().clone();
        shape[0] = Value.BATCH;
        g.define(node.getOutput(0), new Value.Ints(shape, false));
      }
      case "Gemm",
              "MatMul",
              "Conv",
              "ConvTranspose",
              "BatchNormalization",
              "MaxPool",
              "AveragePool",
              "GlobalAveragePool",
              "GlobalMaxPool",
              "Pad",
              "PRelu" ->
          layers.translate(node, a, in);
      default -> throw unsupported(node, "this operator on a computed input");
    }
  }

  private void constant(NodeProto node, NodeAttributes a) {
    if (a.tensor("value") == null) {
      throw unsupported(node, "a Constant without a tensor value");
    }
    g.define(
        node.getOutput(0), new Value.Constant(OnnxTensors.read(a.tensor("value"), null, g.label)));
  }

  Value.Tensor tensor(List<Value> in, int i, NodeProto node) {
    if (i >= in.size() || !(in.get(i) instanceof Value.Tensor t)) {
      throw unsupported(node, "input " + i + " that is not computed from the network's input");
    }
    return t;
  }

  private void activation(NodeProto node, List<Value> in, IActivation fn) {
    Value.Tensor x = tensor(in, 0, node);
    GraphAssembly.Spec producer = g.assembly.foldableProducer(x);
    if (producer != null && g.singleUse(node.getInput(0))) {
      ((BaseLayer) producer.layer)
          .setActivationFn(fn); // Gemm + Relu becomes one Dense layer with a ReLU, as Keras has it
      g.define(node.getOutput(0), new Value.Tensor(x.vertex(), x.shape(), List.of()));
      return;
    }
    String name = g.assembly.name(node.getName().isEmpty() ? node.getOpType() : node.getName());
    g.assembly.layer(
        name, new ActivationLayer.Builder().activation(fn).build(), x.pending(), x.vertex());
    g.define(node.getOutput(0), new Value.Tensor(name, x.shape(), List.of()));
  }

  private void softmax(NodeProto node, NodeAttributes a, List<Value> in) {
    Value.Tensor x = tensor(in, 0, node);
    long axis = a.integer("axis", g.opset >= 13 ? -1 : 1);
    if (x.rank() != 2 || (axis != 1 && axis != -1)) {
      throw unsupported(
          node,
          node.getOpType()
              + " over axis "
              + axis
              + " of a rank-"
              + x.rank()
              + " tensor (only over the features of a rank-2 tensor)");
    }
    activation(
        node,
        in,
        node.getOpType().equals("Softmax")
            ? new ActivationSoftmax()
            : new dev.graft.converter.ActivationLogSoftmax());
  }

  private void elementWise(NodeProto node, List<Value> in) {
    if (in.stream().anyMatch(v -> !(v instanceof Value.Tensor))) {
      layers.withConstant(node, in);
      return;
    }
    ElementWiseVertex.Op op =
        switch (node.getOpType()) {
          case "Sub" -> ElementWiseVertex.Op.Subtract;
          case "Mul" -> ElementWiseVertex.Op.Product;
          case "Mean" -> ElementWiseVertex.Op.Average;
          case "Max" -> ElementWiseVertex.Op.Max;
          default -> ElementWiseVertex.Op.Add;
        };
    long[] shape = ((Value.Tensor) in.get(0)).shape();
    String[] inputs = new String[in.size()];
    for (int i = 0; i < in.size(); i++) {
      Value.Tensor t = (Value.Tensor) in.get(i);
      if (!Arrays.equals(t.shape(), shape)) {
        throw unsupported(
            node,
            "inputs of shapes "
                + Arrays.toString(shape)
                + " and "
                + Arrays.toString(t.shape())
                + " (broadcasting between computed tensors is not supported)");
      }
      inputs[i] = g.assembly.materialize(t);
    }
    if (inputs.length == 1) {
      g.define(node.getOutput(0), in.get(0));
      return;
    }
    String name = g.assembly.name(node.getName().isEmpty() ? node.getOpType() : node.getName());
    g.assembly.vertex(name, new ElementWiseVertex(op), inputs);
    g.define(node.getOutput(0), new Value.Tensor(name, shape, List.of()));
  }

  private void concat(NodeProto node, NodeAttributes a, List<Value> in) {
    if (in.stream().noneMatch(v -> v instanceof Value.Tensor)) {
      g.define(node.getOutput(0), ConstantFolder.fold(node, a, in, g));
      return;
    }
    long[] shape = tensor(in, 0, node).shape().clone();
    long axis = a.integer("axis", 1);
    axis = axis < 0 ? axis + shape.length : axis;
    if (axis != 1 || (shape.length != 2 && shape.length != 4)) {
      throw unsupported(
          node,
          "Concat over axis "
              + a.integer("axis", 1)
              + " of rank-"
              + shape.length
              + " tensors (only over channels or features, axis 1)");
    }
    String[] inputs = new String[in.size()];
    long channels = 0;
    for (int i = 0; i < in.size(); i++) {
      Value.Tensor t = tensor(in, i, node);
      for (int d = 2; d < shape.length; d++) {
        if (t.rank() != shape.length || t.shape()[d] != shape[d]) {
          throw unsupported(
              node,
              "inputs of shapes " + Arrays.toString(shape) + " and " + Arrays.toString(t.shape()));
        }
      }
      channels += t.shape()[1];
      inputs[i] = g.assembly.materialize(t);
    }
    shape[1] = channels;
    String name = g.assembly.name(node.getName().isEmpty() ? "Concat" : node.getName());
    g.assembly.vertex(name, new MergeVertex(), inputs);
    g.define(node.getOutput(0), new Value.Tensor(name, shape, List.of()));
  }

  private void flatten(NodeProto node, Value.Tensor x, int axis) {
    if (axis < 0) {
      axis += x.rank();
    }
    if (axis != 1) {
      throw unsupported(
          node, "Flatten at axis " + axis + " (only 1: keep the batch, flatten the rest)");
    }
    reshapeTo(node, x, new long[] {-1, count(x.shape())});
  }

  private void reshape(NodeProto node, NodeAttributes a, List<Value> in) {
    Value.Tensor x = tensor(in, 0, node);
    long[] spec =
        in.size() > 1 && in.get(1) != null
            ? ConstantFolder.ints(in.get(1), node, g)
            : a.integers("shape", null);
    if (spec == null) {
      throw unsupported(node, "Reshape without a target shape");
    }
    if (spec.length < 2) {
      throw unsupported(
          node, "Reshape to " + Arrays.toString(spec) + " (the batch dimension must stay first)");
    }
    // Dimension 0 is the batch whatever the exporter wrote there (its example's batch, 0, -1 or
    // the symbolic batch of a Shape chain); a reshape that mixes it with others fails the count
    // below.
    long[] target = new long[spec.length];
    target[0] = -1;
    long known = 1;
    int unknown = -1;
    for (int i = 1; i < spec.length; i++) {
      long d = spec[i];
      if (d == 0 && a.integer("allowzero", 0) == 0 && i < x.rank()) {
        d = x.shape()[i];
      }
      if (d == -1 && unknown < 0) {
        unknown = i;
      } else if (d < 1) {
        throw unsupported(node, "Reshape to " + Arrays.toString(spec));
      } else {
        target[i] = d;
        known *= d;
      }
    }
    long size = count(x.shape());
    if (unknown > 0 && known > 0 && size % known == 0) {
      target[unknown] = size / known;
      known = size;
    }
    if (known != size) {
      throw unsupported(
          node,
          "Reshape of "
              + Arrays.toString(x.shape())
              + " to "
              + Arrays.toString(spec)
              + " (the batch dimension must stay first)");
    }
    reshapeTo(node, x, target);
  }

  /** A reshape that keeps the batch first: as a preprocessor of whatever reads it next. */
  private void reshapeTo(NodeProto node, Value.Tensor x, long[] target) {
    if (Arrays.equals(target, x.shape())) {
      g.define(node.getOutput(0), x);
      return;
    }
    List<InputPreProcessor> pending = new ArrayList<>(x.pending());
    long[] from = x.shape();
    if (from.length == 4 && target.length == 2) {
      pending.add(new CnnToFeedForwardPreProcessor(from[2], from[3], from[1]));
    } else if (from.length == 2 && target.length == 4) {
      pending.add(new FeedForwardToCnnPreProcessor(target[2], target[3], target[1]));
    } else if (target.length == 2 && from.length != 2) {
      // Row-major, as ONNX reshapes: a rank-3 example ([N, 28, 28], say) to a vector.
      pending.add(
          new dev.graft.converter.KerasReshapePreProcessor(
              Arrays.copyOfRange(from, 1, from.length), new long[] {target[1]}));
    } else if (!(from.length == 2 && target.length == 2)) {
      throw unsupported(
          node,
          "a reshape of "
              + Arrays.toString(from)
              + " to "
              + Arrays.toString(target)
              + " (supported: examples to vectors, and vectors to images)");
    }
    g.define(node.getOutput(0), new Value.Tensor(x.vertex(), target, pending));
  }

  static long count(long[] shape) {
    long n = 1;
    for (int i = 1; i < shape.length; i++) {
      n *= shape[i];
    }
    return n;
  }

  GraftException unsupported(NodeProto node, String what) {
    return GraftException.unsupported(
        g.label + ": node '" + node.getName() + "' (" + node.getOpType() + "): " + what);
  }

  static INDArray array(Value v) {
    return v instanceof Value.Constant c ? c.array() : null;
  }
}
