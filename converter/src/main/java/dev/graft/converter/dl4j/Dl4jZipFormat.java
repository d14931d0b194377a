package dev.graft.converter.dl4j;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.converter.ExportOptions;
import dev.graft.converter.FormatProvider;
import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import java.nio.file.Path;
import java.util.List;

/** Deeplearning4j's network zips, with graft's record as their graft.json entry. */
public final class Dl4jZipFormat implements FormatProvider {
  @Override
  public ModelFormat format() {
    return ModelFormat.DL4J_ZIP;
  }

  @Override
  public Network read(Path file) {
    return Dl4jZip.read(file);
  }

  @Override
  public void write(Network network, Path out, ExportOptions options, ObjectNode record) {
    Dl4jZip.write(network, out, record);
  }

  /** Every check the loader runs (the same code: a DL4J zip is small to load once checked). */
  @Override
  public String check(Path file, List<String> facts, List<String> problems) {
    try {
      Network network = Dl4jZip.read(file);
      facts.add(network.layerNames().size() + " layers: " + network.layerNames());
      return network.producer();
    } catch (GraftException e) {
      problems.add(e.getMessage());
      return "Deeplearning4j";
    }
  }
}
