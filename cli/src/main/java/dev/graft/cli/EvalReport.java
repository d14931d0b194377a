package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.trainer.ClassReport;
import dev.graft.trainer.ConfusionPlot;
import dev.graft.trainer.Metrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code graft eval} reports, for Fashion-MNIST tasks and labelled folders alike: accuracy,
 * loss, n, per-class precision/recall/F1/support and the confusion matrix (rows: true class,
 * columns: predicted), as text or JSON, and optionally as a PNG heat map.
 */
final class EvalReport {
  private EvalReport() {}

  /**
   * {@code fields}: what was evaluated (model, task or data, ...), printed first in JSON; its
   * "title", if any, is the plot's title and is not printed.
   */
  static void print(
      PrintWriter out,
      boolean json,
      ObjectNode fields,
      String headline,
      Metrics m,
      List<String> names,
      Path plot) {
    List<ClassReport> perClass = ClassReport.of(m.confusion(), names);
    if (plot != null) {
      ConfusionPlot.save(plot, m.confusion(), names, fields.path("title").asText(headline));
    }
    if (json) {
      ObjectNode o = fields.deepCopy();
      o.remove("title");
      o.put("accuracy", m.accuracy());
      o.put("loss", m.loss());
      o.put("n", m.n());
      ArrayNode classes = o.putArray("per_class");
      for (ClassReport c : perClass) {
        ObjectNode row = classes.addObject();
        row.put("class", c.name());
        row.put("precision", c.precision());
        row.put("recall", c.recall());
        row.put("f1", c.f1());
        row.put("support", c.support());
      }
      ArrayNode confusion = o.putArray("confusion");
      for (int[] row : m.confusion()) {
        ArrayNode r = confusion.addArray();
        for (int v : row) {
          r.add(v);
        }
      }
      Json.print(out, o);
      return;
    }
    out.printf(
        "%s: accuracy %.4f, loss %.4f (%d examples)%n", headline, m.accuracy(), m.loss(), m.n());
    int width = Math.max(5, perClass.stream().mapToInt(c -> c.name().length()).max().orElse(5));
    out.printf("  %-" + width + "s  precision  recall      f1  support%n", "class");
    for (ClassReport c : perClass) {
      out.printf(
          "  %-" + width + "s     %.4f  %.4f  %.4f  %7d%n",
          c.name(),
          c.precision(),
          c.recall(),
          c.f1(),
          c.support());
    }
    out.println("  confusion (rows: true class, columns: predicted):");
    for (int[] row : m.confusion()) {
      StringBuilder line = new StringBuilder("   ");
      for (int v : row) {
        line.append(String.format(" %6d", v));
      }
      out.println(line);
    }
    out.flush();
  }

  /** Regression targets: MSE and MAE overall and per output. */
  static void printRegression(PrintWriter out, boolean json, dev.graft.trainer.Evaluated e) {
    ObjectNode about = e.about();
    if (json) {
      ObjectNode j = about.deepCopy();
      j.remove("title");
      j.put("n", e.metrics().n());
      j.put("mse", e.metrics().loss());
      j.put("mae", e.metrics().mae());
      ArrayNode per = j.putArray("per_output");
      for (int c = 0; c < e.outputMse().length; c++) {
        per.addObject().put("mse", e.outputMse()[c]).put("mae", e.outputMae()[c]);
      }
      Json.print(out, j);
      return;
    }
    out.printf(
        "%s: %d examples, %d output(s)%nMSE %.6g  MAE %.6g%n",
        e.headline(), e.metrics().n(), e.outputMse().length, e.metrics().loss(), e.metrics().mae());
    out.flush();
  }
}
