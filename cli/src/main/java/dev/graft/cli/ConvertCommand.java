package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.ModelWriter;
import dev.graft.converter.Network;
import dev.graft.converter.keras3.KerasV3Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    header = "Convert a model to ONNX, Keras 3 or DL4J, chosen by OUT's extension.",
    description =
        ".onnx writes ONNX (opset 13 by default), .keras a Keras 3 archive (layer stacks: dense, activations, batch norm, dropout, conv, pooling), .zip a Deeplearning4j network. The output is written atomically: on any error no file is left.")
final class ConvertCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "IN",
      description = "Keras .h5 or .keras, or graft/DL4J .zip")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "OUT.onnx, OUT.keras or OUT.zip")
  Path out;

  @Option(
      names = "--opset",
      defaultValue = "13",
      description = "ONNX opset, 13 to 21 (default: ${DEFAULT-VALUE}).")
  int opset;

  @Option(
      names = "--labels",
      split = ",",
      paramLabel = "NAME",
      description = "Class labels to record in the ONNX metadata.")
  List<String> labels;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ModelFormat format = ModelWriter.formatOf(out);
    boolean onnx = format == ModelFormat.ONNX;
    boolean keras = format == ModelFormat.KERAS_V3;
    ExportOptions options =
        ExportOptions.builder().opset(opset).labels(labels == null ? List.of() : labels).build();
    ModelWriter.checkTarget(out);
    Network network = ModelLoader.load(in);
    ModelWriter.write(network, out, options, null);
    var o = spec.commandLine().getOut();
    if (json) {
      ObjectNode j = Json.object();
      j.put("in", in.toString());
      j.put("out", out.toString());
      j.put("format", format.name());
      if (onnx) {
        j.put("opset", opset);
      }
      Json.print(o, j);
    } else {
      o.printf(
          "wrote %s (%s) from %s (%s)%n",
          out,
          onnx
              ? "ONNX opset " + opset
              : keras ? "Keras " + KerasV3Writer.KERAS_VERSION + " archive" : "Deeplearning4j zip",
          in,
          network.producer());
      o.flush();
    }
    return 0;
  }
}
