package dev.graft.converter.dl4j;

import dev.graft.GraftException;
import dev.graft.converter.DeclaredSizes;
import dev.graft.converter.Hdf5Arrays;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.shape.options.ArrayOptionsHelper;

/**
 * Checks a DL4J zip's {@code coefficients.bin} (ND4J's array serialization: a shape-info buffer,
 * then a data buffer, each behind a header naming its allocation mode, length and type) before ND4J
 * reads it. ND4J trusts the headers: a length larger than the bytes that follow makes it allocate
 * that much, and a shape larger than the data makes native code read past the buffer (a dead JVM,
 * found by fuzzing). Here the headers are parsed without allocating and the bytes counted, so such
 * a file is refused by name.
 */
final class Dl4jCoefficients {
  static final String ENTRY = "coefficients.bin";

  /** ND4J's AllocationMode names; modes before LONG_SHAPE write the length as an int. */
  private static final java.util.List<String> MODES =
      java.util.List.of("HEAP", "JAVACPP", "DIRECT", "LONG_SHAPE", "MIXED_DATA_TYPES");

  private static final Map<String, Integer> ELEMENT_BYTES =
      Map.of("FLOAT", 4, "DOUBLE", 8, "HALF", 2, "BFLOAT16", 2, "LONG", 8, "INT", 4);

  private Dl4jCoefficients() {}

  private record Header(long length, String type) {}

  /** Checks the entry's bytes; ND4J may read them after this returns. */
  static void check(Path file, byte[] coefficients) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(coefficients))) {
      Header shapeHeader = header(file, in, "shape");
      if (!shapeHeader.type().equals("LONG") && !shapeHeader.type().equals("INT")) {
        throw bad(file, "its shape is stored as " + shapeHeader.type());
      }
      // ND4J's shape info: rank, shape[rank], stride[rank], extras, element-wise stride, order.
      long rank = shapeHeader.length() >= 1 ? (shapeHeader.length() - 4) / 2 : -1;
      if (rank < 1 || rank > 2 || shapeHeader.length() != 2 * rank + 4) {
        throw bad(
            file,
            "its shape information has "
                + shapeHeader.length()
                + " entries (a rank 1 or 2 parameter vector has 6 or 8)");
      }
      boolean longs = shapeHeader.type().equals("LONG");
      long[] info = new long[(int) shapeHeader.length()];
      for (int i = 0; i < info.length; i++) {
        info[i] = longs ? in.readLong() : in.readInt();
      }
      if (info[0] != rank) {
        throw bad(
            file, "its shape information says rank " + info[0] + " in " + info.length + " entries");
      }
      long values = 1;
      for (int i = 1; i <= rank; i++) {
        if (info[i] < 0 || info[i] > Hdf5Arrays.MAX_VALUES) {
          throw bad(file, "it declares a dimension of " + info[i]);
        }
        values *= info[i];
      }
      DeclaredSizes.checkParams(file, values);
      checkLayout(file, info, (int) rank);
      Header data = header(file, in, "data");
      Integer bytes = ELEMENT_BYTES.get(data.type());
      if (bytes == null || data.type().equals("LONG") || data.type().equals("INT")) {
        throw bad(file, "its parameters are of type " + data.type() + " (floating point expected)");
      }
      if (ArrayOptionsHelper.dataType(info[2 * (int) rank + 1]) != DataType.valueOf(data.type())) {
        throw bad(
            file,
            "its shape says "
                + ArrayOptionsHelper.dataType(info[2 * (int) rank + 1])
                + " values, its data "
                + data.type());
      }
      if (data.length() != values) {
        throw bad(file, "its shape declares " + values + " values but its data " + data.length());
      }
      DeclaredSizes.checkParams(file, data.length());
      in.skipNBytes(data.length() * bytes);
      if (in.read() != -1) {
        throw bad(
            file,
            "its data does not hold exactly the " + data.length() + " values its header declares");
      }
    } catch (EOFException e) {
      throw bad(file, "it ends before the values its header declares");
    }
  }

  /**
   * Only dense c- or f-ordered layouts with the data type as the only option: what ND4J writes for
   * parameters.
   */
  private static void checkLayout(Path file, long[] info, int rank) {
    long extras = info[2 * rank + 1];
    long ews = info[2 * rank + 2];
    char order = (char) info[2 * rank + 3];
    boolean dense = order == 'c' || order == 'f';
    long stride = 1;
    for (int k = 0; dense && k < rank; k++) {
      int i = order == 'c' ? rank - 1 - k : k;
      long dim = info[1 + i];
      dense = dim <= 1 || info[1 + rank + i] == stride;
      stride *= Math.max(dim, 1);
    }
    DataType type;
    try {
      type = ArrayOptionsHelper.dataType(extras);
    } catch (RuntimeException e) {
      type = null;
    }
    if (!dense || ews != 1 || type == null || extras != ArrayOptionsHelper.setOptionBit(0L, type)) {
      throw bad(
          file,
          "its shape information "
              + java.util.Arrays.toString(info)
              + " is not a dense parameter vector");
    }
  }

  private static Header header(Path file, DataInputStream in, String what) throws IOException {
    String mode;
    String type;
    long length;
    try {
      mode = in.readUTF();
      if (!MODES.contains(mode)) {
        throw bad(file, "its " + what + " buffer has allocation mode '" + mode + "'");
      }
      length = MODES.indexOf(mode) < 3 ? in.readInt() : in.readLong();
      type = in.readUTF();
    } catch (UTFDataFormatException e) {
      throw bad(file, "its " + what + " buffer header is damaged");
    }
    if (length < 0 || !ELEMENT_BYTES.containsKey(type)) {
      throw bad(
          file,
          "its " + what + " buffer header declares " + length + " values of type '" + type + "'");
    }
    return new Header(length, type);
  }

  private static GraftException bad(Path file, String why) {
    return GraftException.badInput(file + ": " + ENTRY + " is not a valid parameter array: " + why);
  }
}
