package dev.graft.e2e;

import dev.graft.converter.SharedModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HDF5 model files with links no model needs (scripts/make_hdf5_link_files.py, run on the chapter's
 * model A and the corpus's tiny .keras): an external link from a kernel to a file outside the
 * model's folder (it was read into the model, and inspect --check saw no problem), a kernel with
 * external storage or as a virtual dataset (values from other files; jHDF declines both, which
 * graft reported as corruption), a group containing itself (inspect --check never ended; a .keras
 * import hung for 300 s), and 2,000 nested groups. Each is refused by every command, exit 3, well
 * inside the test's time.
 */
class HostileHdf5LinksTest {
  @TempDir static Path crafted;
  @TempDir Path tmp;

  @BeforeAll
  static void craft() throws Exception {
    craftInto(crafted);
  }

  /**
   * Writes the crafted files into {@code dir} (its secret file in {@code dir/elsewhere}), from
   * model A and the corpus's tiny .keras; the fuzz smoke test seeds with them too.
   */
  static void craftInto(Path dir) throws Exception {
    Path model = SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    Path tiny = dir.resolve("keras3_valid_tiny.keras");
    try (InputStream in =
        HostileHdf5LinksTest.class.getResourceAsStream("/hostile/keras3_valid_tiny.keras")) {
      Files.copy(in, tiny);
    }
    Path outside = Files.createDirectories(dir.resolve("elsewhere")).resolve("secret.h5");
    Scripts.run(
        "make_hdf5_link_files.py",
        model.toString(),
        tiny.toString(),
        outside.toString(),
        dir.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "h5_external_link.h5, external link",
    "h5_external_storage.h5, external storage",
    "h5_virtual_dataset.h5, a virtual dataset",
    "h5_hard_link_cycle.h5, contains itself",
    "h5_deep_groups.h5, nested more than 64 deep",
    "keras3_hard_link_cycle.keras, contains itself"
  })
  void refusedByEveryReader(String name, String fragment) throws IOException {
    Path folder = Files.createDirectories(tmp.resolve("models"));
    Path model = Files.copy(crafted.resolve(name), folder.resolve(name));
    HostileFilesTest.assertRefusedByEveryReader(model, fragment, tmp);
  }
}
