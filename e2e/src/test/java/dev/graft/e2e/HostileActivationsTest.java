package dev.graft.e2e;

import dev.graft.converter.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Keras activation that names Python code: a string DL4J does not map ("os.system") or an object
 * naming a function of another module. In Keras 2 files inspect --check said "no problem" while the
 * loaders failed with DL4J's "please file an issue" or a ClassCastException; every command now
 * refuses them by name, exit 3, nothing written (variants of real files,
 * scripts/h5_config_variant.py).
 */
class HostileActivationsTest {
  private static final String KERAS2 = "keras2/chapter11/my_model_A__keras-2.4.0.h5";
  private static final String KERAS3 = "keras3-h5/fashion-mnist-mlp-3dense__keras-3.10.0.h5";
  private static final String OS_SYSTEM =
      "{\"module\":\"os\",\"class_name\":\"system\",\"config\":\"ls\",\"registered_name\":null}";

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        KERAS2 + "|string|activation 'os.system'",
        KERAS2 + "|object|a custom function",
        KERAS3 + "|string|activation 'os.system'",
        KERAS3 + "|object|from module 'os'"
      })
  void refusedByEveryReader(String source, String kind, String fragment) throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("models"));
    Path model = folder.resolve("activation_" + kind + ".h5");
    String value = kind.equals("string") ? "\"os.system\"" : OS_SYSTEM;
    // Layer 2 is a Dense layer in both files (after InputLayer/Flatten).
    Scripts.run(
        "h5_config_variant.py",
        SharedModels.require(source).toString(),
        model.toString(),
        "2.activation=" + value);
    HostileFilesTest.assertRefusedByEveryReader(model, fragment, tmp);
  }
}
