package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.ExternalData;
import dev.graft.GraftException;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.SafetyCheck;
import dev.graft.onnx.ModelProto;
import dev.graft.runtime.OnnxSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * graft inspect --check: the converter's report for Keras/DL4J files, the runtime's facts for ONNX.
 */
final class SafetyReport {
  private SafetyReport() {}

  static int print(Path model, boolean json, PrintWriter out) {
    SafetyCheck.Report report;
    try {
      report = ModelFormat.detect(model) == ModelFormat.ONNX ? onnx(model) : SafetyCheck.of(model);
    } catch (GraftException e) {
      report = new SafetyCheck.Report("unknown", "", List.of(), List.of(e.getMessage()));
    }
    if (json) {
      ObjectNode o = Json.MAPPER.valueToTree(report);
      o.put("file", model.toString());
      o.put("safe", report.safe());
      Json.print(out, o);
    } else {
      out.printf(
          "%s: %s%s%n",
          model,
          report.format(),
          report.producer().isEmpty() ? "" : ", written by " + report.producer());
      report.facts().forEach(f -> out.println("  " + f));
      report.problems().forEach(p -> out.println("  PROBLEM: " + p));
      out.println(report.safe() ? "no problem found" : "graft would refuse this file");
      out.flush();
    }
    return report.safe() ? 0 : GraftException.Kind.BAD_INPUT.exitCode();
  }

  private static SafetyCheck.Report onnx(Path model) {
    ModelProto m = OnnxSummary.parse(model);
    OnnxSummary s = OnnxSummary.of(m);
    List<String> facts = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    facts.add("IR version " + s.irVersion() + ", opsets " + s.opsets());
    facts.add(
        String.format(
            "%d operators (%s), %,d parameters declared",
            s.opCounts().values().stream().mapToInt(i -> i).sum(),
            String.join(", ", s.opCounts().keySet()),
            s.parameters()));
    facts.add("external data files: " + (s.externalData().isEmpty() ? "none" : s.externalData()));
    s.opsets().keySet().stream()
        .filter(d -> !d.equals("ai.onnx") && !d.equals("ai.onnx.ml"))
        .forEach(
            d -> facts.add("custom operator domain " + d + ": ONNX Runtime needs it registered"));
    try {
      ExternalData.check(model, m);
    } catch (GraftException e) {
      problems.add(e.getMessage());
    }
    return new SafetyCheck.Report("ONNX", s.producer(), facts, problems);
  }
}
