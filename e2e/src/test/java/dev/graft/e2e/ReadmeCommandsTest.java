package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.SharedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ./graft} command in the README's shell blocks runs as written (in order, so later
 * ones use what earlier ones wrote), with {@code ../shared/} pointing at the shared models and bare
 * output file names in a temporary folder. {@code ./graft demo}, the main job, is the one left out:
 * ChapterReuseTest runs it (--quick).
 */
class ReadmeCommandsTest {
  @TempDir Path tmp;

  static List<String> readmeCommands() throws IOException {
    List<String> commands = new ArrayList<>();
    boolean shell = false;
    for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
      if (line.startsWith("```")) {
        shell = !shell && line.equals("```sh");
        continue;
      }
      if (shell && line.startsWith("./graft ") && !line.startsWith("./graft demo")) {
        commands.add(line.substring("./graft ".length()).replaceAll("\\s+#.*$", ""));
      }
    }
    return commands;
  }

  @Test
  void everyReadmeCommandRunsAsWritten() throws IOException {
    SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    List<String> commands = readmeCommands();
    assertTrue(commands.size() >= 4, "commands found: " + commands);
    String shared = SharedModels.root().getParent().toString() + "/";
    for (String command : commands) {
      List<String> args = new ArrayList<>();
      for (String word : command.trim().split("\\s+")) {
        if (word.startsWith("../shared/")) {
          args.add(shared + word.substring("../shared/".length()));
        } else if (word.matches("[\\w.-]+\\.(zip|onnx|keras|npy|png|json|csv)")) {
          args.add(tmp.resolve(word).toString());
        } else {
          args.add(word);
        }
      }
      Cli run = Cli.run(args.toArray(String[]::new));
      assertEquals(0, run.exitCode(), "./graft " + command + "\n" + run.err());
    }
  }
}
