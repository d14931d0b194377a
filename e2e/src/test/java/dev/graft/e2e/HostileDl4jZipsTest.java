package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.converter.SharedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Crafted DL4J zips (scripts/make_dl4j_hostile_zips.py, run on a zip graft writes here): a
 * serialized Java object in preprocessor.bin, which DL4J's ModelSerializer would hand to
 * readObject; a local entry the central directory does not list, which a streaming reader loads
 * where graft's checks read the directory (unchecked parameters killed the JVM in ND4J); and the
 * names .keras archives were already refused for. Each is refused by every command, exit 3.
 */
class HostileDl4jZipsTest {
  @TempDir static Path crafted;
  @TempDir Path tmp;

  @BeforeAll
  static void craft() throws Exception {
    Path model = SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    Path base = crafted.resolve("base.zip");
    Cli convert = Cli.run("convert", model.toString(), base.toString());
    assertEquals(0, convert.exitCode(), convert.err());
    Scripts.run("make_dl4j_hostile_zips.py", base.toString(), crafted.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "dl4j_preprocessor_bin.zip, never deserializes",
    "dl4j_local_shadow.zip, differ from the entries its directory lists",
    "dl4j_dotdot.zip, points outside the archive",
    "dl4j_duplicate.zip, appears twice",
    "dl4j_symlink.zip, symbolic link",
    "dl4j_unknown_entry.zip, is not one graft reads"
  })
  void refusedByEveryReader(String name, String fragment) throws IOException {
    Path folder = Files.createDirectories(tmp.resolve("models"));
    Path model = Files.copy(crafted.resolve(name), folder.resolve(name));
    HostileFilesTest.assertRefusedByEveryReader(model, fragment, tmp);
  }

  /** The control: the zip the hostile ones are made from loads. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"base.zip"})
  void theBaseIsValid(String name) {
    Cli inspect = Cli.run("inspect", crafted.resolve(name).toString());
    assertEquals(0, inspect.exitCode(), inspect.err());
    Cli check = Cli.run("inspect", "--check", crafted.resolve(name).toString());
    assertEquals(0, check.exitCode(), check.err() + check.out());
  }
}
