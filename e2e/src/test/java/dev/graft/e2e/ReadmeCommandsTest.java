package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.converter.SharedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ./graft} command in the README's shell blocks runs as written (in order, so later
 * ones use what earlier ones wrote), with {@code ../shared/} pointing at the shared models and bare
 * output file names in a temporary folder. {@code ./graft demo}, the main job, is the one left out:
 * ChapterReuseTest runs it (--quick). Blocks that run {@code ./graft spark} are run on their own,
 * in the acceptance tier (each Spark run starts a JVM and Spark).
 */
class ReadmeCommandsTest {
  @TempDir Path tmp;

  /** The README's {@code sh} blocks, each as its ./graft commands (without "./graft "). */
  static List<List<String>> readmeBlocks() throws IOException {
    List<List<String>> blocks = new ArrayList<>();
    List<String> block = null;
    for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
      if (line.startsWith("```")) {
        if (block == null && line.equals("```sh")) {
          block = new ArrayList<>();
        } else if (block != null) {
          blocks.add(block);
          block = null;
        }
        continue;
      }
      if (block != null && line.startsWith("./graft ") && !line.startsWith("./graft demo")) {
        block.add(line.substring("./graft ".length()).replaceAll("\\s+#.*$", ""));
      }
    }
    return blocks;
  }

  static List<String> readmeCommands() throws IOException {
    return readmeBlocks().stream().flatMap(List::stream).toList();
  }

  private static boolean spark(List<String> block) {
    return block.stream().anyMatch(c -> c.startsWith("spark "));
  }

  @Test
  void everyReadmeCommandRunsAsWritten() throws IOException {
    SharedModels.require("keras2/chapter11/my_model_A__keras-2.4.0.h5");
    List<String> commands = new ArrayList<>();
    readmeBlocks().stream().filter(b -> !spark(b)).forEach(commands::addAll);
    assertTrue(commands.size() >= 4, "commands found: " + commands);
    runAll(commands);
  }

  @Test
  @Tag("acceptance") // Spark runs: about a minute
  void everyReadmeSparkCommandRunsAsWritten() throws IOException {
    SharedModels.require("teachable-machine/dog-cat/keras_model.h5");
    List<String> commands = new ArrayList<>();
    readmeBlocks().stream().filter(ReadmeCommandsTest::spark).forEach(commands::addAll);
    assertTrue(commands.stream().filter(c -> c.startsWith("spark ")).count() >= 2, "" + commands);
    runAll(commands);
  }

  private void runAll(List<String> commands) {
    String shared = SharedModels.root().getParent().toString() + "/";
    for (String command : commands) {
      List<String> args = new ArrayList<>();
      for (String word : command.trim().split("\\s+")) {
        if (word.startsWith("../shared/")) {
          args.add(shared + word.substring("../shared/".length()));
        } else if (word.matches("[\\w.-]+\\.(zip|onnx|keras|npy|png|json|csv|parquet)")) {
          args.add(tmp.resolve(word).toString());
        } else {
          args.add(word);
        }
      }
      if (args.get(0).equals("spark")) {
        SparkCli run = SparkCli.run(args.subList(1, args.size()).toArray(String[]::new));
        assertEquals(0, run.exitCode(), "./graft " + command + "\n" + run.err());
      } else {
        Cli run = Cli.run(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), "./graft " + command + "\n" + run.err());
      }
    }
  }
}
