package dev.graft.spark;

import dev.graft.ExternalData;
import dev.graft.GraftException;
import dev.graft.onnx.ModelProto;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import java.nio.file.Path;
import java.util.List;

/**
 * An ONNX model read on the driver, checked like every ONNX file graft opens, with what the jobs
 * need to know of it: one example's shape, its outputs per example, its class names and its
 * recorded preprocessing.
 */
public record ModelFile(
    Path path,
    ModelProto proto,
    long[] exampleShape,
    int outputs,
    List<String> classNames,
    String recorded) {

  public static ModelFile read(Path path) {
    if (!path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
      throw GraftException.usage(
          path
              + ": graft spark runs ONNX models; convert a Keras or DL4J model first: graft convert "
              + path
              + " model.onnx");
    }
    ModelProto proto = ExternalData.parseChecked(path);
    if (!ExternalData.locations(proto).isEmpty()) {
      throw GraftException.unsupported(
          path + ": keeps its weights in external data files; graft spark ships one model file");
    }
    return of(path, proto);
  }

  /** {@code proto} already checked (a trunk cut from a checked model). */
  static ModelFile of(Path path, ModelProto proto) {
    try (OnnxModel m = OnnxModel.load(proto.toByteArray(), ModelOptions.defaults())) {
      if (m.inputs().size() != 1 || m.outputs().size() != 1) {
        throw GraftException.usage(
            path + ": graft spark runs models with one input and one output");
      }
      long outputs = 1;
      long[] shape = m.outputShape(1);
      for (int d = 1; d < shape.length; d++) {
        outputs *= shape[d];
      }
      return new ModelFile(
          path, proto, m.exampleShape(), (int) outputs, m.classNames(), m.preprocessing());
    }
  }
}
