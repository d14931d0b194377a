package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.ModelLoader;
import dev.graft.converter.ModelSummary;
import dev.graft.converter.Network;
import dev.graft.runtime.OnnxSummary;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    header = "Show a model's layers: name, type, output shape, parameters, trainable.",
    description =
        "For ONNX files: inputs, outputs, operator counts, parameters, the valid cut points and whether graft can import every operator as a trainable layer. With --check: a safety report that builds no network.")
final class InspectCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MODEL", description = "Keras .h5 or graft/DL4J .zip")
  Path model;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(
      names = "--check",
      description = {
        "A quick safety report instead: format, producer, external references, Lambda or",
        "custom layers, declared sizes. Exit code 0 when graft would accept the file, 3 when it would refuse it."
      })
  boolean check;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (check) {
      return SafetyReport.print(model, json, spec.commandLine().getOut());
    }
    ModelFormat format = ModelFormat.detect(model);
    if (format == ModelFormat.ONNX) {
      return inspectOnnx();
    }
    Network network = ModelLoader.load(model);
    ModelSummary summary = ModelSummary.of(network);
    var out = spec.commandLine().getOut();
    if (!json) {
      out.println(model + ": " + format.description());
      out.print(summary.render());
      out.flush();
      return 0;
    }
    ObjectNode o = Json.object();
    o.put("file", model.toString());
    o.put("format", format.name());
    o.put("producer", summary.producer());
    o.put("name", summary.name());
    o.put("kind", summary.kind());
    ArrayNode shape = o.putArray("input_shape");
    for (long d : summary.inputShapes().get(0)) {
      shape.add(d);
    }
    ArrayNode modelInputs = o.putArray("inputs");
    for (int i = 0; i < summary.inputNames().size(); i++) {
      ObjectNode in = modelInputs.addObject();
      in.put("name", summary.inputNames().get(i));
      ArrayNode dims = in.putArray("shape");
      for (long d : summary.inputShapes().get(i)) {
        dims.add(d);
      }
    }
    ArrayNode outputs = o.putArray("outputs");
    summary.outputNames().forEach(outputs::add);
    ArrayNode layers = o.putArray("layers");
    for (ModelSummary.Row r : summary.rows()) {
      ObjectNode l = layers.addObject();
      l.put("name", r.name());
      l.put("type", r.type());
      l.put("activation", r.activation());
      ArrayNode os = l.putArray("output_shape");
      for (long d : r.outputShape()) {
        os.add(d);
      }
      l.put("params", r.params());
      l.put("trainable", r.trainable());
      ArrayNode inputs = l.putArray("inputs");
      r.inputs().forEach(inputs::add);
    }
    ArrayNode classes = o.putArray("class_names");
    summary.classNames().forEach(classes::add);
    o.put("total_params", summary.totalParams());
    o.put("trainable_params", summary.trainableParams());
    Json.print(out, o);
    return 0;
  }

  private int inspectOnnx() {
    // Refused like every other reader would, though inspect itself opens no external data.
    var proto = dev.graft.ExternalData.parseChecked(model);
    OnnxSummary s = OnnxSummary.of(proto);
    String notImportable = dev.graft.converter.onnx.importer.OnnxImporter.unsupportedNodes(proto);
    var out = spec.commandLine().getOut();
    if (!json) {
      out.println(model + ": ONNX");
      out.print(s.render());
      out.println(
          "importable as trainable DL4J layers: "
              + (notImportable.isEmpty()
                  ? "every operator is supported"
                  : "no, unsupported: " + notImportable));
      out.flush();
      return 0;
    }
    ObjectNode o = Json.MAPPER.valueToTree(s);
    o.put("unsupported_operators", notImportable);
    o.put("file", model.toString());
    o.put("format", "ONNX");
    Json.print(out, o);
    return 0;
  }
}
