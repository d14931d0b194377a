package dev.graft.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The fuzz campaign over real model files (the harness is {@link dev.graft.fuzz.FuzzModels}):
 * imported, a clean graft error, or anything else, per format.
 *
 * <p>Run from the project root: {@code samples/run FuzzModels [--per-format 10000] [--seed 1]
 * [--formats keras-h5,keras-v3,dl4j-zip,onnx,npy] [--crafted DIR] [--json]}; {@code --crafted}: a
 * folder of hostile HDF5 files from scripts/make_hdf5_link_files.py, used as extra seeds.
 */
public final class FuzzModels {
  private FuzzModels() {}

  public static void main(String[] args) throws Exception {
    int perFormat = Samples.intOption(args, "--per-format", 10_000);
    long seed = Samples.intOption(args, "--seed", 1);
    Path shared = Path.of(System.getProperty("graft.shared", "../shared")).resolve("models");
    String crafted = Samples.stringOption(args, "--crafted", null);
    String only =
        Samples.stringOption(
            args, "--formats", String.join(",", dev.graft.fuzz.FuzzModels.FORMATS));
    List<dev.graft.fuzz.FuzzModels.Report> reports =
        dev.graft.fuzz.FuzzModels.run(
            shared,
            Path.of("e2e/src/test/resources/onnx"),
            crafted == null ? null : Path.of(crafted),
            perFormat,
            seed,
            Files.createTempDirectory("graft-fuzz"),
            List.of(only.split(",")));
    if (List.of(args).contains("--json")) {
      System.out.println(
          new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(reports));
      return;
    }
    System.out.printf(
        "%-10s %8s %9s %12s %14s%n", "format", "files", "imported", "graft error", "anything else");
    for (var r : reports) {
      System.out.printf(
          "%-10s %8d %9d %12d %14d%n",
          r.format(), r.files(), r.imported(), r.clean(), r.anythingElse());
      r.examples().forEach((kind, file) -> System.out.printf("    %s, e.g. %s%n", kind, file));
    }
  }
}
