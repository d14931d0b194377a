package dev.graft.converter.onnx;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.FormatProvider;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import dev.graft.converter.onnx.importer.OnnxImporter;
import java.nio.file.Path;
import java.util.List;

/** ONNX models: imported into DL4J for fine-tuning, exported from it for serving. */
public final class OnnxFormat implements FormatProvider {
  @Override
  public ModelFormat format() {
    return ModelFormat.ONNX;
  }

  @Override
  public Network read(Path file) {
    return OnnxImporter.importFile(file);
  }

  @Override
  public void write(Network network, Path out, ExportOptions options, ObjectNode record) {
    OnnxExporter.write(network, out, options);
  }

  /** ONNX files are checked by the runtime module, which runs them. */
  @Override
  public String check(Path file, List<String> facts, List<String> problems) {
    throw new IllegalArgumentException("ONNX files are checked by the runtime module");
  }
}
