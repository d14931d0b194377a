package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.SharedModels;
import dev.graft.fuzz.FuzzModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short fixed-seed run of the fuzz harness (the full campaign is {@code samples/run FuzzModels}):
 * mutated Keras 2 and 3, DL4J zip, ONNX and .npy files (byte flips, and the structural kinds a red
 * team used: shadowing zip entries, HDF5 links, nested subgraphs, hostile .npy headers) end in a
 * graft error or an import, nothing else.
 */
@Tag("acceptance") // long training or many runs: the acceptance tier (docs/testing.md)
class FuzzSmokeTest {
  @TempDir Path tmp;

  @Test
  void mutatedFilesEndInAnImportOrAGraftError() throws Exception {
    SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5");
    // Hostile HDF5 structures (links, cycles, deep groups) as extra seeds.
    Path crafted = Files.createDirectories(tmp.resolve("crafted"));
    HostileHdf5LinksTest.craftInto(crafted);
    List<FuzzModels.Report> reports =
        FuzzModels.run(
            SharedModels.root(),
            Path.of("src/test/resources/onnx"),
            crafted,
            300,
            20261124,
            tmp,
            FuzzModels.FORMATS);
    assertEquals(FuzzModels.FORMATS.size(), reports.size());
    for (FuzzModels.Report r : reports) {
      assertTrue(r.files() > 0, r.format() + " had no seed files");
      assertEquals(r.files(), r.imported() + r.clean() + r.anythingElse(), r.format());
      assertTrue(
          r.clean() > 0,
          r.format() + ": no mutation was refused, so the mutations are too weak to mean anything");
      assertEquals(0, r.anythingElse(), r.format() + ": " + r.other() + " e.g. " + r.examples());
    }
  }
}
