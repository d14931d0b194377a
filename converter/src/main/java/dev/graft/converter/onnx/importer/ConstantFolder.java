package dev.graft.converter.onnx.importer;

import dev.graft.GraftException;
import dev.graft.onnx.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Nodes whose inputs are all known before any input arrives: evaluated once, at import. Integer
 * vectors may hold the symbolic batch ({@link Value#BATCH}), which is how exporters spell "flatten"
 * (Shape, Gather, Unsqueeze, Concat, then Reshape).
 */
final class ConstantFolder {
  private static final Set<String> FOLDS =
      Set.of(
          "Identity",
          "Cast",
          "Reshape",
          "Unsqueeze",
          "Squeeze",
          "Concat",
          "Gather",
          "Slice",
          "Shape",
          "Add",
          "Sub",
          "Mul",
          "Div",
          "Neg",
          "Sqrt",
          "Transpose",
          "Dropout",
          "Flatten",
          "ConstantOfShape");

  private ConstantFolder() {}

  static boolean folds(String op) {
    return FOLDS.contains(op);
  }

  static Value fold(NodeProto node, NodeAttributes a, List<Value> in, OnnxGraphImporter g) {
    if (in.stream().anyMatch(v -> v instanceof Value.Ints)) {
      return foldInts(node, a, in, g);
    }
    INDArray x = ((Value.Constant) in.get(0)).array();
    INDArray y =
        switch (node.getOpType()) {
          case "Identity", "Dropout" -> x;
          case "Cast" -> x.castTo(castType(a.integer("to", 1)));
          case "ConstantOfShape" -> {
            TensorProtoValue fill = new TensorProtoValue(a, g);
            long[] shape = x.reshape(x.length()).toLongVector();
            yield fill.value
                .reshape(1)
                .broadcast(shape.length == 0 ? new long[] {1} : shape)
                .dup('c');
          }
          case "Concat" -> {
            INDArray[] parts = new INDArray[in.size()];
            for (int i = 0; i < parts.length; i++) {
              parts[i] = constant(in.get(i), node, g);
            }
            long axis = a.integer("axis", 0);
            yield Nd4j.concat((int) (axis < 0 ? axis + x.rank() : axis), parts);
          }
          case "Gather" -> gather(x, constant(in.get(1), node, g), (int) a.integer("axis", 0));
          case "Slice" -> slice(node, a, in, x, g);
          case "Neg" -> x.neg();
          case "Sqrt" -> Transforms.sqrt(x, true);
          case "Add", "Sub", "Mul", "Div" ->
              arithmetic(node.getOpType(), x, constant(in.get(1), node, g));
          case "Reshape" -> x.reshape('c', resolve(ints(in.get(1), node, g), x.shape()));
          case "Flatten" -> x.reshape('c', x.rank() == 0 ? 1 : x.size(0), -1);
          case "Transpose" -> {
            long[] perm = a.integers("perm", null);
            if (perm == null) {
              int[] reverse = new int[x.rank()];
              for (int i = 0; i < reverse.length; i++) {
                reverse[i] = reverse.length - 1 - i;
              }
              yield x.permute(reverse).dup('c');
            }
            yield x.permute(Arrays.stream(perm).mapToInt(l -> (int) l).toArray()).dup('c');
          }
          case "Unsqueeze", "Squeeze" -> x.reshape('c', squeeze(node, a, in, x.shape(), g));
          case "Shape" -> Nd4j.createFromArray(x.shape());
          default ->
              throw GraftException.unsupported(
                  g.label
                      + ": node '"
                      + node.getName()
                      + "' ("
                      + node.getOpType()
                      + "): folding this operator on constants of type "
                      + x.dataType());
        };
    return new Value.Constant(y);
  }

  private static DataType castType(long onnxType) {
    return onnxType == 1 || onnxType == 10 || onnxType == 11 ? DataType.FLOAT : DataType.LONG;
  }

  /** The value attribute of ConstantOfShape (a one-element tensor; 0.0 by default). */
  private static final class TensorProtoValue {
    final INDArray value;

    TensorProtoValue(NodeAttributes a, OnnxGraphImporter g) {
      var t = a.tensor("value");
      value = t == null ? Nd4j.scalar(0f) : OnnxTensors.read(t, null, g.label);
    }
  }

  private static INDArray gather(INDArray x, INDArray indices, int axis) {
    axis = axis < 0 ? axis + x.rank() : axis;
    long[] idx = indices.reshape(indices.length()).toLongVector();
    INDArray[] rows = new INDArray[idx.length];
    for (int i = 0; i < idx.length; i++) {
      long k = idx[i] < 0 ? idx[i] + x.size(axis) : idx[i];
      rows[i] = x.slice(k, axis).dup('c');
    }
    if (indices.rank() == 0) {
      return rows[0];
    }
    INDArray stacked = Nd4j.stack(axis, rows);
    return stacked;
  }

  /** ONNX Slice (opset 10+: starts, ends, axes, steps as inputs; before: attributes), any steps. */
  private static INDArray slice(
      NodeProto node, NodeAttributes a, List<Value> in, INDArray x, OnnxGraphImporter g) {
    long[] starts = in.size() > 1 ? ints(in.get(1), node, g) : a.integers("starts", null);
    long[] ends = in.size() > 2 ? ints(in.get(2), node, g) : a.integers("ends", null);
    long[] axes =
        in.size() > 3 && in.get(3) != null ? ints(in.get(3), node, g) : a.integers("axes", null);
    long[] steps = in.size() > 4 && in.get(4) != null ? ints(in.get(4), node, g) : null;
    int rank = x.rank();
    long[] from = new long[rank];
    long[] step = new long[rank];
    long[] count = x.shape().clone();
    Arrays.fill(step, 1);
    for (int i = 0; i < starts.length; i++) {
      int ax = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + rank : axes[i]);
      long n = x.size(ax);
      long st = steps == null ? 1 : steps[i];
      long b = starts[i] < 0 ? starts[i] + n : starts[i];
      long e = ends[i] < 0 ? ends[i] + n : ends[i];
      if (st > 0) {
        b = Math.max(0, Math.min(n, b));
        e = Math.max(0, Math.min(n, e));
        count[ax] = Math.max(0, (e - b + st - 1) / st);
      } else {
        b = Math.max(-1, Math.min(n - 1, b));
        e = Math.max(-1, Math.min(n - 1, e));
        count[ax] = Math.max(0, (b - e - st - 1) / -st);
      }
      from[ax] = b;
      step[ax] = st;
    }
    INDArray out = Nd4j.create(x.dataType(), count);
    long total = out.length();
    long[] pos = new long[rank];
    long[] src = new long[rank];
    for (long flat = 0; flat < total; flat++) {
      long rest = flat;
      for (int d = rank - 1; d >= 0; d--) {
        pos[d] = count[d] == 0 ? 0 : rest % count[d];
        rest = count[d] == 0 ? 0 : rest / count[d];
        src[d] = from[d] + pos[d] * step[d];
      }
      out.putScalar(pos, x.getDouble(src));
    }
    return out;
  }

  private static INDArray arithmetic(String op, INDArray x, INDArray y) {
    DataType type =
        x.dataType().isFPType() || y.dataType().isFPType() ? DataType.FLOAT : DataType.LONG;
    INDArray a = x.castTo(type);
    INDArray b = y.castTo(type);
    long[] shape = Shapes.broadcast(a.shape(), b.shape());
    a = a.broadcast(shape);
    b = b.broadcast(shape);
    return switch (op) {
      case "Add" -> a.add(b);
      case "Sub" -> a.sub(b);
      case "Mul" -> a.mul(b);
      default -> a.div(b);
    };
  }

  private static Value foldInts(
      NodeProto node, NodeAttributes a, List<Value> in, OnnxGraphImporter g) {
    long[] x = ints(in.get(0), node, g);
    boolean scalar =
        in.get(0) instanceof Value.Ints i
            ? i.scalar()
            : ((Value.Constant) in.get(0)).array().rank() == 0;
    return switch (node.getOpType()) {
      case "Identity", "Cast", "Dropout" -> new Value.Ints(x, scalar);
      case "Gather" -> {
        if (a.integer("axis", 0) != 0) {
          throw GraftException.unsupported(
              g.label
                  + ": node '"
                  + node.getName()
                  + "' (Gather): axis "
                  + a.integer("axis", 0)
                  + " of a shape vector");
        }
        Value idx = in.get(1);
        long[] indices = ints(idx, node, g);
        long[] out = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
          long k = indices[i] < 0 ? indices[i] + x.length : indices[i];
          if (k < 0 || k >= x.length) {
            throw GraftException.badInput(
                g.label
                    + ": node '"
                    + node.getName()
                    + "' (Gather): index "
                    + indices[i]
                    + " out of range for "
                    + x.length
                    + " values");
          }
          out[i] = x[(int) k];
        }
        boolean scalarIndex =
            idx instanceof Value.Ints i ? i.scalar() : ((Value.Constant) idx).array().rank() == 0;
        yield new Value.Ints(out, scalarIndex);
      }
      case "Unsqueeze", "Squeeze" ->
          new Value.Ints(x, node.getOpType().equals("Squeeze") && x.length == 1);
      case "Concat" -> {
        List<Long> all = new ArrayList<>();
        for (Value v : in) {
          for (long l : ints(v, node, g)) {
            all.add(l);
          }
        }
        yield new Value.Ints(all.stream().mapToLong(Long::longValue).toArray(), false);
      }
      case "Slice" -> {
        long[] starts =
            in.size() > 1 ? ints(in.get(1), node, g) : a.integers("starts", new long[] {0});
        long[] ends =
            in.size() > 2 ? ints(in.get(2), node, g) : a.integers("ends", new long[] {x.length});
        int from = (int) clamp(starts[0], x.length);
        int to = (int) clamp(ends[0], x.length);
        if (in.size() > 4 && in.get(4) != null && ints(in.get(4), node, g)[0] != 1) {
          throw GraftException.unsupported(
              g.label
                  + ": node '"
                  + node.getName()
                  + "' (Slice): steps other than 1 on a shape vector");
        }
        yield new Value.Ints(Arrays.copyOfRange(x, from, Math.max(from, to)), false);
      }
      case "Mul", "Add", "Sub", "Div" -> {
        long[] y = ints(in.get(1), node, g);
        if (x.length != y.length && x.length != 1 && y.length != 1) {
          throw GraftException.unsupported(
              g.label
                  + ": node '"
                  + node.getName()
                  + "': shape arithmetic on vectors of lengths "
                  + x.length
                  + " and "
                  + y.length);
        }
        long[] out = new long[Math.max(x.length, y.length)];
        for (int i = 0; i < out.length; i++) {
          long p = x[x.length == 1 ? 0 : i];
          long q = y[y.length == 1 ? 0 : i];
          out[i] =
              p == Value.BATCH || q == Value.BATCH
                  ? Value.BATCH
                  : switch (node.getOpType()) {
                    case "Mul" -> p * q;
                    case "Add" -> p + q;
                    case "Sub" -> p - q;
                    default -> p / q;
                  };
        }
        yield new Value.Ints(out, scalar && y.length == 1);
      }
      default ->
          throw GraftException.unsupported(
              g.label
                  + ": node '"
                  + node.getName()
                  + "' ("
                  + node.getOpType()
                  + "): this operator on a shape vector");
    };
  }

  private static long clamp(long i, long n) {
    long k = i < 0 ? i + n : i;
    return Math.max(0, Math.min(n, k));
  }

  private static long[] squeeze(
      NodeProto node, NodeAttributes a, List<Value> in, long[] shape, OnnxGraphImporter g) {
    long[] axes =
        in.size() > 1 && in.get(1) != null ? ints(in.get(1), node, g) : a.integers("axes", null);
    List<Long> out = new ArrayList<>();
    for (long d : shape) {
      out.add(d);
    }
    if (node.getOpType().equals("Squeeze")) {
      if (axes == null) {
        out.removeIf(d -> d == 1);
      } else {
        long[] sorted = axes.clone();
        for (int i = 0; i < sorted.length; i++) {
          sorted[i] = sorted[i] < 0 ? sorted[i] + shape.length : sorted[i];
        }
        Arrays.sort(sorted);
        for (int i = sorted.length - 1; i >= 0; i--) {
          out.remove((int) sorted[i]);
        }
      }
    } else {
      int rank = shape.length + (axes == null ? 0 : axes.length);
      long[] sorted = axes == null ? new long[0] : axes.clone();
      for (int i = 0; i < sorted.length; i++) {
        sorted[i] = sorted[i] < 0 ? sorted[i] + rank : sorted[i];
      }
      Arrays.sort(sorted);
      for (long ax : sorted) {
        out.add((int) ax, 1L);
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static long[] resolve(long[] spec, long[] from) {
    long size = 1;
    for (long d : from) {
      size *= d;
    }
    long known = 1;
    int unknown = -1;
    long[] out = spec.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0 && i < from.length) {
        out[i] = from[i];
      }
      if (out[i] == -1) {
        unknown = i;
      } else {
        known *= out[i];
      }
    }
    if (unknown >= 0) {
      out[unknown] = size / known;
    }
    return out;
  }

  static boolean isIntVector(Value v) {
    return v instanceof Value.Ints
        || v instanceof Value.Constant c
            && !c.array().dataType().isFPType()
            && c.array().rank() <= 1;
  }

  private static INDArray constant(Value v, NodeProto node, OnnxGraphImporter g) {
    if (v instanceof Value.Constant c) {
      return c.array();
    }
    if (v instanceof Value.Ints i && Arrays.stream(i.values()).noneMatch(l -> l == Value.BATCH)) {
      return Nd4j.createFromArray(i.values());
    }
    throw GraftException.unsupported(
        g.label
            + ": node '"
            + node.getName()
            + "' ("
            + node.getOpType()
            + "): an input that depends on the batch size");
  }

  /** An integer vector from a constant or a shape computation. */
  static long[] ints(Value v, NodeProto node, OnnxGraphImporter g) {
    if (v instanceof Value.Ints i) {
      return i.values();
    }
    if (v instanceof Value.Constant c && !c.array().dataType().isFPType()) {
      return c.array().reshape(c.array().length()).toLongVector();
    }
    throw GraftException.unsupported(
        g.label
            + ": node '"
            + node.getName()
            + "' ("
            + node.getOpType()
            + "): expected an integer vector (a shape, axes or indices) computed from constants");
  }
}
