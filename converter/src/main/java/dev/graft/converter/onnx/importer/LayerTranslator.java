package dev.graft.converter.onnx.importer;

import dev.graft.GraftException;
import dev.graft.onnx.NodeProto;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX nodes with weights or windows, as trainable DL4J layers in ONNX's own layout (NCHW): Gemm
 * and MatMul (+ a constant Add: the bias) as Dense, Conv (grouped only when depthwise),
 * BatchNormalization, pooling, zero padding and PRelu.
 */
final class LayerTranslator {
  private final OnnxGraphImporter g;

  LayerTranslator(OnnxGraphImporter g) {
    this.g = g;
  }

  void translate(NodeProto node, NodeAttributes a, List<Value> in) {
    switch (node.getOpType()) {
      case "Gemm" -> gemm(node, a, in);
      case "MatMul" -> matmul(node, in);
      case "Conv" -> conv(node, a, in);
      case "ConvTranspose" -> convTranspose(node, a, in);
      case "BatchNormalization" -> batchNorm(node, a, in);
      case "MaxPool", "AveragePool" -> pool(node, a, in);
      case "GlobalAveragePool", "GlobalMaxPool" -> globalPool(node, in);
      case "Pad" -> pad(node, a, in);
      case "PRelu" -> prelu(node, in);
      default -> throw unsupported(node, "not a layer");
    }
  }

  private void gemm(NodeProto node, NodeAttributes a, List<Value> in) {
    Value.Tensor x = input(node, in, 2);
    INDArray b = weight(node, in, 1);
    if (a.integer("transA", 0) != 0 || b.rank() != 2) {
      throw unsupported(node, "Gemm with a transposed input or a weight of rank " + b.rank());
    }
    INDArray w = (a.integer("transB", 0) != 0 ? b.transpose() : b).mul(a.real("alpha", 1f));
    INDArray bias =
        in.size() > 2 && in.get(2) != null ? weight(node, in, 2).mul(a.real("beta", 1f)) : null;
    if (bias != null && bias.length() == 1 && w.size(1) != 1) {
      bias =
          org.nd4j.linalg.factory.Nd4j.valueArrayOf(
              new long[] {w.size(1)}, bias.getFloat(0)); // a scalar C broadcasts
    }
    dense(node, x, w, bias);
  }

  private void matmul(NodeProto node, List<Value> in) {
    Value.Tensor x = input(node, in, 2);
    INDArray w = weight(node, in, 1);
    if (w.rank() != 2) {
      throw unsupported(
          node, "MatMul with a weight of rank " + w.rank() + " (only a [in, out] matrix)");
    }
    dense(node, x, w, null);
  }

  private void dense(NodeProto node, Value.Tensor x, INDArray w, INDArray bias) {
    long out = w.size(1);
    if (x.shape()[1] != w.size(0)) {
      throw GraftException.badInput(
          g.label
              + ": node '"
              + node.getName()
              + "': input of shape "
              + Arrays.toString(x.shape())
              + " and weight "
              + Arrays.toString(w.shape()));
    }
    if (bias != null && bias.length() != out) {
      throw unsupported(
          node, "a bias of shape " + Arrays.toString(bias.shape()) + " for " + out + " outputs");
    }
    String name = name(node);
    GraphAssembly.Spec s =
        g.assembly.layer(
            name,
            new DenseLayer.Builder()
                .nIn(w.size(0))
                .nOut(out)
                .activation(new ActivationIdentity())
                .hasBias(bias != null)
                .build(),
            x.pending(),
            x.vertex());
    s.params.put("W", w.dup('c'));
    if (bias != null) {
      s.params.put("b", bias.reshape(1, out));
    }
    g.define(node.getOutput(0), new Value.Tensor(name, new long[] {-1, out}, List.of()));
  }

  /**
   * Add, Sub or Mul with a constant: a bias added to the Dense or Conv layer before it, when it has
   * none yet.
   */
  void withConstant(NodeProto node, List<Value> in) {
    int t = in.get(0) instanceof Value.Tensor ? 0 : 1;
    if (!(in.get(t) instanceof Value.Tensor x)
        || in.size() != 2
        || !(in.get(1 - t) instanceof Value.Constant c)) {
      throw unsupported(node, "this operator with a constant operand of that kind");
    }
    if (x.rank() < 2) {
      throw unsupported(
          node,
          node.getOpType() + " of a constant to a tensor of shape " + Arrays.toString(x.shape()));
    }
    GraphAssembly.Spec producer = g.assembly.foldableProducer(x);
    boolean add = node.getOpType().equals("Add") || node.getOpType().equals("Sub") && t == 0;
    long channels = x.shape()[1];
    INDArray v = c.array().castTo(DataType.FLOAT);
    boolean perChannel =
        v.length() == channels
            && (x.rank() == 2
                ? v.size(-1) == channels
                : Arrays.stream(v.shape()).filter(d -> d != 1).count() <= 1
                    && (v.rank() < 3 || v.size(v.rank() - 3) == channels));
    boolean foldable =
        add
            && producer != null
            && perChannel
            && g.singleUse(node.getInput(t))
            && (producer.layer instanceof DenseLayer d && !d.hasBias()
                || producer.layer instanceof ConvolutionLayer cl
                    && !cl.hasBias()
                    && !(producer.layer instanceof DepthwiseConvolution2D));
    if (!foldable) {
      throw unsupported(
          node,
          node.getOpType()
              + " of a constant of shape "
              + Arrays.toString(v.shape())
              + " to a tensor of shape "
              + Arrays.toString(x.shape())
              + " (only a bias right after a Dense or Conv layer without one)");
    }
    if (producer.layer instanceof DenseLayer d) {
      d.setHasBias(true);
    } else {
      ((ConvolutionLayer) producer.layer).setHasBias(true);
    }
    producer.params.put("b", (node.getOpType().equals("Sub") ? v.neg() : v).reshape(1, channels));
    g.define(node.getOutput(0), x);
  }

  private void conv(NodeProto node, NodeAttributes a, List<Value> in) {
    Value.Tensor x = input(node, in, 4);
    INDArray w = weight(node, in, 1);
    if (w.rank() != 4) {
      throw unsupported(node, "a convolution of rank " + (w.rank() - 2) + " (only 2-D)");
    }
    long cin = x.shape()[1];
    long cout = w.size(0);
    long group = a.integer("group", 1);
    int[] k = {(int) w.size(2), (int) w.size(3)};
    String name = name(node);
    Window win = window(node, a, x, k, name);
    INDArray bias = in.size() > 2 && in.get(2) != null ? weight(node, in, 2) : null;
    GraphAssembly.Spec s;
    if (group == 1) {
      if (w.size(1) != cin) {
        throw GraftException.badInput(
            g.label
                + ": node '"
                + node.getName()
                + "': weight "
                + Arrays.toString(w.shape())
                + " for "
                + cin
                + " input channels");
      }
      s =
          g.assembly.layer(
              name,
              new ConvolutionLayer.Builder(k)
                  .stride(win.stride)
                  .dilation(win.dilation)
                  .padding(win.pad)
                  .convolutionMode(win.mode)
                  .nIn(cin)
                  .nOut(cout)
                  .hasBias(bias != null)
                  .activation(new ActivationIdentity())
                  .build(),
              win.pending(x),
              win.vertex(x));
      s.params.put("W", w.dup('c'));
    } else if (group == cin && w.size(1) == 1 && cout % cin == 0) {
      long m = cout / cin;
      s =
          g.assembly.layer(
              name,
              new DepthwiseConvolution2D.Builder(k)
                  .stride(win.stride)
                  .dilation(win.dilation)
                  .padding(win.pad)
                  .convolutionMode(win.mode)
                  .nIn(cin)
                  .nOut(cout)
                  .depthMultiplier((int) m)
                  .hasBias(bias != null)
                  .activation(new ActivationIdentity())
                  .build(),
              win.pending(x),
              win.vertex(x));
      // ONNX's [C*m, 1, kh, kw] (output channel c*m + q) as DL4J's [kh, kw, C, m].
      s.params.put("W", w.reshape('c', cin, m, k[0], k[1]).permute(2, 3, 0, 1).dup('c'));
    } else {
      throw unsupported(
          node, "a grouped convolution with " + group + " groups (only 1, or depthwise)");
    }
    if (bias != null) {
      s.params.put("b", bias.reshape(1, cout));
    }
    g.define(node.getOutput(0), new Value.Tensor(name, win.output(x, cout), List.of()));
  }

  /**
   * ConvTranspose: group 1, no dilation or output padding, symmetric pads; DL4J's Deconvolution2D
   * keeps ONNX's [in, out, kh, kw].
   */
  private void convTranspose(NodeProto node, NodeAttributes a, List<Value> in) {
    Value.Tensor x = input(node, in, 4);
    INDArray w = weight(node, in, 1);
    if (w.rank() != 4 || a.integer("group", 1) != 1) {
      throw unsupported(
          node,
          "a transposed convolution of rank "
              + (w.rank() - 2)
              + " with "
              + a.integer("group", 1)
              + " groups (only 2-D, one group)");
    }
    String autoPad = a.text("auto_pad", "NOTSET");
    long[] pads = a.integers("pads", new long[] {0, 0, 0, 0});
    long[] outPad = a.integers("output_padding", new long[] {0, 0});
    int[] d = ints(a.integers("dilations", new long[] {1, 1}), node, "dilations");
    if (!(autoPad.equals("NOTSET") || autoPad.equals("VALID"))
        || pads.length != 4
        || pads[0] != pads[2]
        || pads[1] != pads[3]
        || outPad[0] != 0
        || outPad[1] != 0
        || d[0] != 1
        || d[1] != 1
        || a.has("output_shape")) {
      throw unsupported(
          node,
          "ConvTranspose with auto_pad "
              + autoPad
              + ", pads "
              + Arrays.toString(pads)
              + ", output_padding "
              + Arrays.toString(outPad)
              + ", dilations "
              + Arrays.toString(d)
              + " (only symmetric pads, no dilation, "
              + "no output padding or shape)");
    }
    long cin = x.shape()[1];
    if (w.size(0) != cin) {
      throw GraftException.badInput(
          g.label
              + ": node '"
              + node.getName()
              + "': weight "
              + Arrays.toString(w.shape())
              + " for "
              + cin
              + " input channels");
    }
    long cout = w.size(1);
    int[] k = {(int) w.size(2), (int) w.size(3)};
    int[] s = ints(a.integers("strides", new long[] {1, 1}), node, "strides");
    int[] p = {(int) pads[0], (int) pads[1]};
    INDArray bias = in.size() > 2 && in.get(2) != null ? weight(node, in, 2) : null;
    String name = name(node);
    GraphAssembly.Spec spec =
        g.assembly.layer(
            name,
            new org.deeplearning4j.nn.conf.layers.Deconvolution2D.Builder(k)
                .stride(s)
                .padding(p)
                .convolutionMode(ConvolutionMode.Truncate)
                .nIn(cin)
                .nOut(cout)
                .hasBias(bias != null)
                .activation(new ActivationIdentity())
                .build(),
            x.pending(),
            x.vertex());
    spec.params.put("W", w.dup('c'));
    if (bias != null) {
      spec.params.put("b", bias.reshape(1, cout));
    }
    long h = (x.shape()[2] - 1) * s[0] + k[0] - 2L * p[0];
    long wd = (x.shape()[3] - 1) * s[1] + k[1] - 2L * p[1];
    g.define(node.getOutput(0), new Value.Tensor(name, new long[] {-1, cout, h, wd}, List.of()));
  }

  private void pool(NodeProto node, NodeAttributes a, List<Value> in) {
    Value.Tensor x = input(node, in, 4);
    int[] k = ints(a.integers("kernel_shape", null), node, "kernel_shape");
    if (a.integer("ceil_mode", 0) != 0) {
      throw unsupported(node, "ceil_mode=1");
    }
    boolean max = node.getOpType().equals("MaxPool");
    String name = name(node);
    Window win = window(node, a, x, k, name);
    if (win.padded) {
      throw unsupported(node, "pooling with asymmetric padding");
    }
    g.assembly.layer(
        name,
        new SubsamplingLayer.Builder(max ? PoolingType.MAX : PoolingType.AVG)
            .kernelSize(k)
            .stride(win.stride)
            .dilation(win.dilation)
            .padding(win.pad)
            .convolutionMode(win.mode)
            .avgPoolIncludePadInDivisor(a.integer("count_include_pad", 0) != 0)
            .build(),
        win.pending(x),
        win.vertex(x));
    g.define(node.getOutput(0), new Value.Tensor(name, win.output(x, x.shape()[1]), List.of()));
  }

  private void globalPool(NodeProto node, List<Value> in) {
    Value.Tensor x = input(node, in, 4);
    String name = name(node);
    PoolingType type = node.getOpType().equals("GlobalMaxPool") ? PoolingType.MAX : PoolingType.AVG;
    g.assembly.layer(
        name,
        new GlobalPoolingLayer.Builder(type)
            .poolingDimensions(2, 3)
            .collapseDimensions(false)
            .build(),
        x.pending(),
        x.vertex());
    g.define(
        node.getOutput(0), new Value.Tensor(name, new long[] {-1, x.shape()[1], 1, 1}, List.of()));
  }

  private void pad(NodeProto node, NodeAttributes a, List<Value> in) {
    Value.Tensor x = input(node, in, 4);
    long[] pads =
        in.size() > 1 && in.get(1) != null
            ? ConstantFolder.ints(in.get(1), node, g)
            : a.integers("pads", null);
    String mode = a.text("mode", "constant");
    float value =
        in.size() > 2 && in.get(2) instanceof Value.Constant c
            ? c.array().getFloat(0)
            : a.real("value", 0f);
    if (pads == null
        || pads.length != 8
        || !mode.equals("constant")
        || value != 0f
        || pads[0] != 0
        || pads[1] != 0
        || pads[4] != 0
        || pads[5] != 0
        || (in.size() > 3 && in.get(3) != null)) {
      throw unsupported(
          node,
          "Pad other than zeros around height and width (mode "
              + mode
              + ", pads "
              + Arrays.toString(pads)
              + ")");
    }
    String name = name(node);
    g.assembly.layer(
        name,
        new ZeroPaddingLayer.Builder((int) pads[2], (int) pads[6], (int) pads[3], (int) pads[7])
            .build(),
        x.pending(),
        x.vertex());
    long[] s = x.shape().clone();
    s[2] += pads[2] + pads[6];
    s[3] += pads[3] + pads[7];
    g.define(node.getOutput(0), new Value.Tensor(name, s, List.of()));
  }

  private void batchNorm(NodeProto node, NodeAttributes a, List<Value> in) {
    Value.Tensor x = tensorInput(node, in);
    if (x.rank() != 2 && x.rank() != 4) {
      throw unsupported(node, "batch normalization of a rank-" + x.rank() + " tensor");
    }
    long c = x.shape()[1];
    String name = name(node);
    GraphAssembly.Spec s =
        g.assembly.layer(
            name,
            new BatchNormalization.Builder()
                .nIn(c)
                .nOut(c)
                .eps(a.real("epsilon", 1e-5f))
                .decay(a.real("momentum", 0.9f))
                .useLogStd(false)
                .build(),
            x.pending(),
            x.vertex());
    String[] params = {"gamma", "beta", "mean", "var"};
    for (int i = 0; i < 4; i++) {
      INDArray p = weight(node, in, i + 1);
      if (p.length() != c) {
        throw GraftException.badInput(
            g.label
                + ": node '"
                + node.getName()
                + "': "
                + params[i]
                + " of shape "
                + Arrays.toString(p.shape())
                + " for "
                + c
                + " channels");
      }
      s.params.put(params[i], p.reshape(1, c));
    }
    g.define(node.getOutput(0), new Value.Tensor(name, x.shape(), List.of()));
  }

  private void prelu(NodeProto node, List<Value> in) {
    Value.Tensor x = tensorInput(node, in);
    INDArray slope = weight(node, in, 1);
    long[] example = Arrays.copyOfRange(x.shape(), 1, x.rank());
    // ONNX broadcasts the slope against the whole tensor: align it with the example's trailing
    // axes.
    long[] alpha = new long[example.length];
    Arrays.fill(alpha, 1);
    long[] ss = slope.shape();
    if (ss.length > example.length) {
      throw unsupported(node, "a slope of shape " + Arrays.toString(ss));
    }
    for (int i = 0; i < ss.length; i++) {
      alpha[example.length - ss.length + i] = ss[i];
    }
    long[] shared =
        java.util.stream.IntStream.range(0, example.length)
            .filter(i -> alpha[i] == 1 && example[i] != 1)
            .mapToLong(i -> i + 1)
            .toArray();
    for (int i = 0; i < example.length; i++) {
      if (alpha[i] != 1 && alpha[i] != example[i]) {
        throw unsupported(
            node,
            "a slope of shape "
                + Arrays.toString(ss)
                + " for an input of "
                + Arrays.toString(x.shape()));
      }
    }
    String name = name(node);
    PReLULayer.Builder b = new PReLULayer.Builder().inputShape(example);
    if (shared.length > 0) {
      b.sharedAxes(shared);
    }
    GraphAssembly.Spec s = g.assembly.layer(name, b.build(), x.pending(), x.vertex());
    s.params.put("W", slope.dup('c'));
    g.define(node.getOutput(0), new Value.Tensor(name, x.shape(), List.of()));
  }

  /**
   * Strides, dilations and padding of a window op, with asymmetric padding as a zero-padding layer
   * before it.
   */
  private final class Window {
    int[] stride;
    int[] dilation;
    int[] pad = {0, 0};
    ConvolutionMode mode = ConvolutionMode.Truncate;
    String padVertex;
    boolean padded;
    long[] inShape;
    int[] k;
    long[] extra = {0, 0, 0, 0};

    List<org.deeplearning4j.nn.conf.InputPreProcessor> pending(Value.Tensor x) {
      return padVertex == null ? x.pending() : List.of();
    }

    String vertex(Value.Tensor x) {
      return padVertex == null ? x.vertex() : padVertex;
    }

    long[] output(Value.Tensor x, long channels) {
      long h = inShape[2] + extra[0] + extra[1];
      long w = inShape[3] + extra[2] + extra[3];
      if (mode == ConvolutionMode.Same) {
        return new long[] {
          -1, channels, (h + stride[0] - 1) / stride[0], (w + stride[1] - 1) / stride[1]
        };
      }
      return new long[] {
        -1,
        channels,
        Shapes.windowOut(h, k[0], stride[0], dilation[0], pad[0], pad[0]),
        Shapes.windowOut(w, k[1], stride[1], dilation[1], pad[1], pad[1])
      };
    }
  }

  private Window window(NodeProto node, NodeAttributes a, Value.Tensor x, int[] k, String name) {
    Window win = new Window();
    win.k = k;
    win.inShape = x.shape();
    win.stride = ints(a.integers("strides", new long[] {1, 1}), node, "strides");
    win.dilation = ints(a.integers("dilations", new long[] {1, 1}), node, "dilations");
    String autoPad = a.text("auto_pad", "NOTSET");
    switch (autoPad) {
      case "SAME_UPPER" -> win.mode = ConvolutionMode.Same;
      case "VALID" -> {}
      case "NOTSET" -> {
        long[] pads = a.integers("pads", new long[] {0, 0, 0, 0});
        if (pads.length != 4) {
          throw unsupported(node, "pads " + Arrays.toString(pads) + " (2-D windows only)");
        }
        int[] p = Arrays.stream(pads).mapToInt(l -> (int) l).toArray();
        if (p[0] == p[2] && p[1] == p[3]) {
          win.pad = new int[] {p[0], p[1]};
        } else {
          // top, bottom, left, right as a zero-padding layer; the window then pads nothing.
          win.padded = true;
          win.extra = new long[] {p[0], p[2], p[1], p[3]};
          if (node.getOpType().equals("Conv")) {
            String padName = g.assembly.name(name + "_pad");
            g.assembly.layer(
                padName,
                new ZeroPaddingLayer.Builder(p[0], p[2], p[1], p[3]).build(),
                x.pending(),
                x.vertex());
            win.padVertex = padName;
          }
        }
      }
      default -> throw unsupported(node, "auto_pad " + autoPad);
    }
    return win;
  }

  private Value.Tensor input(NodeProto node, List<Value> in, int rank) {
    Value.Tensor x = tensorInput(node, in);
    if (x.rank() != rank) {
      throw unsupported(
          node,
          "an input of shape " + Arrays.toString(x.shape()) + " (rank " + rank + " expected)");
    }
    return x;
  }

  private Value.Tensor tensorInput(NodeProto node, List<Value> in) {
    if (in.isEmpty() || !(in.get(0) instanceof Value.Tensor x)) {
      throw unsupported(node, "a first input that is not computed from the network's input");
    }
    return x;
  }

  private INDArray weight(NodeProto node, List<Value> in, int i) {
    if (i >= in.size() || !(in.get(i) instanceof Value.Constant c)) {
      throw unsupported(
          node,
          "input " + i + " is not a constant (weights computed at run time cannot be imported)");
    }
    return c.array().castTo(DataType.FLOAT);
  }

  private String name(NodeProto node) {
    return g.assembly.name(node.getName().isEmpty() ? node.getOpType() : node.getName());
  }

  private int[] ints(long[] v, NodeProto node, String what) {
    if (v == null || v.length != 2) {
      throw unsupported(node, what + " " + Arrays.toString(v) + " (2-D windows only)");
    }
    return new int[] {(int) v[0], (int) v[1]};
  }

  private GraftException unsupported(NodeProto node, String what) {
    return GraftException.unsupported(
        g.label + ": node '" + node.getName() + "' (" + node.getOpType() + "): " + what);
  }
}
