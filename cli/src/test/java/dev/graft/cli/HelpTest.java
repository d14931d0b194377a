package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command, found by walking picocli's command tree, answers --help with its usage and exit 0.
 */
class HelpTest {
  @Test
  void everyCommandPrintsHelpAndExitsZero() {
    List<List<String>> paths = new ArrayList<>();
    collect(new CommandLine(new Graft()), new ArrayList<>(), paths);
    assertTrue(paths.size() >= 13, "commands found: " + paths);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Graft.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
      String command = String.join(" ", path);
      assertEquals(0, code, "graft " + command + " --help: " + err);
      assertEquals("", err.toString(), "graft " + command + " --help wrote to stderr");
      assertTrue(
          out.toString().contains("Usage: graft" + (command.isEmpty() ? "" : " " + command)),
          "graft " + command + " --help:\n" + out);
    }
  }

  /**
   * The command list shows each command's header: one whole sentence, not a description cut
   * mid-way.
   */
  @Test
  void commandListShowsWholeSentences() {
    CommandLine root = new CommandLine(new Graft());
    List<List<String>> paths = new ArrayList<>();
    collect(root, new ArrayList<>(), paths);
    for (List<String> path : paths) {
      CommandLine cl = root;
      for (String name : path) {
        cl = cl.getSubcommands().get(name);
      }
      if (path.isEmpty() || path.get(path.size() - 1).equals("help")) {
        continue;
      }
      String[] header = cl.getCommandSpec().usageMessage().header();
      assertEquals(1, header.length, "graft " + path + " needs a one-line header");
      assertTrue(
          header[0].endsWith("."),
          "graft " + path + "'s header is not a whole sentence: " + header[0]);
    }
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
    out.add(List.copyOf(path));
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              List<String> next = new ArrayList<>(path);
              next.add(name);
              collect(sub, next, out);
            });
  }
}
