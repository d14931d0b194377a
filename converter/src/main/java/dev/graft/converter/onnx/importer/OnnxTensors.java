package dev.graft.converter.onnx.importer;

import dev.graft.GraftException;
import dev.graft.onnx.StringStringEntryProto;
import dev.graft.onnx.TensorProto;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX tensors (initializers, Constant nodes, test data) as ND4J arrays: raw_data (little endian)
 * or the typed fields, or external data in a file inside the model's folder (checked beforehand by
 * {@link dev.graft.ExternalData#check}). Floating types become FLOAT arrays, integer types LONG.
 */
final class OnnxTensors {
  /** No tensor may claim more values than graft allocates for a whole model. */
  static final long MAX_VALUES = 1L << 29;

  private OnnxTensors() {}

  static INDArray read(TensorProto t, Path folder, String label) {
    long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    long n = 1;
    for (long d : shape) {
      if (d < 0 || d > MAX_VALUES) {
        throw GraftException.badInput(
            label + ": tensor '" + t.getName() + "' declares a dimension of " + d);
      }
      n *= d;
      if (n > MAX_VALUES) {
        throw GraftException.badInput(
            label + ": tensor '" + t.getName() + "' declares more than " + MAX_VALUES + " values");
      }
    }
    int type = t.getDataType();
    boolean floating =
        type == TensorProto.DataType.FLOAT_VALUE
            || type == TensorProto.DataType.DOUBLE_VALUE
            || type == TensorProto.DataType.FLOAT16_VALUE;
    boolean integer =
        type == TensorProto.DataType.INT64_VALUE
            || type == TensorProto.DataType.INT32_VALUE
            || type == TensorProto.DataType.INT8_VALUE
            || type == TensorProto.DataType.UINT8_VALUE
            || type == TensorProto.DataType.INT16_VALUE
            || type == TensorProto.DataType.BOOL_VALUE;
    if (!floating && !integer) {
      throw GraftException.unsupported(
          label
              + ": tensor '"
              + t.getName()
              + "' has data type "
              + TensorProto.DataType.forNumber(type)
              + " (supported: float, double, float16 and integer types)");
    }
    ByteBuffer raw = raw(t, folder, label);
    int count = (int) n;
    if (floating) {
      float[] v = new float[count];
      if (raw != null) {
        int width =
            type == TensorProto.DataType.DOUBLE_VALUE
                ? 8
                : type == TensorProto.DataType.FLOAT16_VALUE ? 2 : 4;
        requireBytes(raw, (long) count * width, t, label);
        for (int i = 0; i < count; i++) {
          v[i] =
              width == 8
                  ? (float) raw.getDouble()
                  : width == 2 ? halfToFloat(raw.getShort()) : raw.getFloat();
        }
      } else if (type == TensorProto.DataType.DOUBLE_VALUE) {
        requireCount(t.getDoubleDataCount(), count, t, label);
        for (int i = 0; i < count; i++) {
          v[i] = (float) t.getDoubleData(i);
        }
      } else if (type == TensorProto.DataType.FLOAT16_VALUE) {
        requireCount(t.getInt32DataCount(), count, t, label);
        for (int i = 0; i < count; i++) {
          v[i] = halfToFloat((short) t.getInt32Data(i));
        }
      } else {
        requireCount(t.getFloatDataCount(), count, t, label);
        for (int i = 0; i < count; i++) {
          v[i] = t.getFloatData(i);
        }
      }
      return Nd4j.create(v, shape.length == 0 ? new long[0] : shape, 'c');
    }
    long[] v = new long[count];
    if (raw != null) {
      int width =
          switch (type) {
            case TensorProto.DataType.INT64_VALUE -> 8;
            case TensorProto.DataType.INT32_VALUE -> 4;
            case TensorProto.DataType.INT16_VALUE -> 2;
            default -> 1;
          };
      requireBytes(raw, (long) count * width, t, label);
      for (int i = 0; i < count; i++) {
        v[i] =
            switch (width) {
              case 8 -> raw.getLong();
              case 4 -> raw.getInt();
              case 2 -> raw.getShort();
              default -> type == TensorProto.DataType.INT8_VALUE ? raw.get() : raw.get() & 0xff;
            };
      }
    } else if (type == TensorProto.DataType.INT64_VALUE) {
      requireCount(t.getInt64DataCount(), count, t, label);
      for (int i = 0; i < count; i++) {
        v[i] = t.getInt64Data(i);
      }
    } else {
      requireCount(t.getInt32DataCount(), count, t, label);
      for (int i = 0; i < count; i++) {
        v[i] = t.getInt32Data(i);
      }
    }
    return Nd4j.createFromArray(v)
        .reshape(shape.length == 0 ? new long[0] : shape)
        .castTo(DataType.LONG);
  }

  /** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
  static float halfToFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float value = mantissa * 0x1p-24f;
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  private static ByteBuffer raw(TensorProto t, Path folder, String label) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      return external(t, folder, label);
    }
    if (t.getRawData().isEmpty()) {
      return null;
    }
    return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer external(TensorProto t, Path folder, String label) {
    if (folder == null) {
      throw GraftException.badInput(
          label
              + ": tensor '"
              + t.getName()
              + "' is stored in an external file, "
              + "which a model given as bytes cannot resolve");
    }
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      try {
        switch (e.getKey()) {
          case "location" -> location = e.getValue();
          case "offset" -> offset = Long.parseLong(e.getValue());
          case "length" -> length = Long.parseLong(e.getValue());
          default -> {}
        }
      } catch (NumberFormatException ex) {
        throw GraftException.badInput(
            label
                + ": tensor '"
                + t.getName()
                + "': external data "
                + e.getKey()
                + " '"
                + e.getValue()
                + "' is not a number");
      }
    }
    // ExternalData.check has already refused locations outside the folder, links out of it and the
    // like.
    Path file = folder.resolve(location == null ? "" : location).normalize();
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long available = in.length() - offset;
      long size = length >= 0 ? length : available;
      if (offset < 0 || size < 0 || size > available || size > MAX_VALUES * 8) {
        throw GraftException.badInput(
            label
                + ": tensor '"
                + t.getName()
                + "': external data at offset "
                + offset
                + " with length "
                + size
                + " does not fit in "
                + location
                + " ("
                + in.length()
                + " bytes)");
      }
      byte[] bytes = new byte[(int) size];
      in.seek(offset);
      in.readFully(bytes);
      return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw GraftException.badInput(
          label
              + ": tensor '"
              + t.getName()
              + "': cannot read external data "
              + location
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void requireBytes(ByteBuffer raw, long bytes, TensorProto t, String label) {
    if (raw.remaining() != bytes) {
      throw GraftException.badInput(
          label
              + ": tensor '"
              + t.getName()
              + "' holds "
              + raw.remaining()
              + " bytes, its shape "
              + t.getDimsList()
              + " needs "
              + bytes);
    }
  }

  private static void requireCount(int have, int need, TensorProto t, String label) {
    if (have != need) {
      throw GraftException.badInput(
          label
              + ": tensor '"
              + t.getName()
              + "' holds "
              + have
              + " values, its shape "
              + t.getDimsList()
              + " needs "
              + need);
    }
  }
}
