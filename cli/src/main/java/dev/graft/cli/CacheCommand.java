package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.runtime.ActivationCache;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    header = "List, remove or collect garbage in the activation cache of frozen trunks.",
    subcommands = {CacheCommand.Ls.class, CacheCommand.Rm.class, CacheCommand.Gc.class})
final class CacheCommand {
  static class Common {
    @Option(
        names = "--cache-dir",
        paramLabel = "DIR",
        description = "Else $GRAFT_CACHE_DIR, $XDG_CACHE_HOME/graft, ~/.cache/graft.")
    Path cacheDir;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec CommandSpec spec;

    ActivationCache cache() {
      return new ActivationCache(ActivationCache.defaultDir(cacheDir));
    }

    void print(List<ActivationCache.Listing> entries, String verb) {
      var out = spec.commandLine().getOut();
      if (json) {
        ObjectNode o = Json.object();
        o.put("dir", cache().dir().toString());
        ArrayNode a = o.putArray(verb);
        for (ActivationCache.Listing l : entries) {
          ObjectNode e = a.addObject();
          e.put("key", l.key());
          e.put("bytes", l.bytes());
          e.put("rows", l.rows());
          e.put("columns", l.columns());
          e.put("last_used", l.lastUsed().toString());
          e.put("description", l.description());
        }
        Json.print(out, o);
        return;
      }
      for (ActivationCache.Listing l : entries) {
        out.printf(
            "%s  %10s  %7d x %-6d  %s  %s%n",
            l.key().substring(0, 16),
            human(l.bytes()),
            l.rows(),
            l.columns(),
            l.lastUsed().toString().substring(0, 19),
            l.description());
      }
      out.printf(
          "%d %s in %s%n",
          entries.size(), verb.equals("entries") ? "entries" : verb, cache().dir());
      out.flush();
    }
  }

  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      versionProvider = Version.class,
      header = "List the cache's entries: key, size, rows x columns, last use, what they hold.")
  static final class Ls extends Common implements Runnable {
    @Override
    public void run() {
      print(cache().list(), "entries");
    }
  }

  @Command(
      name = "rm",
      mixinStandardHelpOptions = true,
      versionProvider = Version.class,
      header = "Remove an entry by its key (or a unique start of it).")
  static final class Rm extends Common implements Runnable {
    @Parameters(paramLabel = "KEY")
    String key;

    @Override
    public void run() {
      if (!cache().remove(key)) {
        throw GraftException.usage("no cache entry with key " + key + " in " + cache().dir());
      }
      spec.commandLine().getOut().println("removed " + key);
      spec.commandLine().getOut().flush();
    }
  }

  @Command(
      name = "gc",
      mixinStandardHelpOptions = true,
      versionProvider = Version.class,
      header = "Remove the least recently used entries until the cache fits --max-size.")
  static final class Gc extends Common implements Runnable {
    @Option(
        names = "--max-size",
        required = true,
        paramLabel = "SIZE",
        description = "e.g. 500M, 2G, 0.")
    String maxSize;

    @Override
    public void run() {
      print(cache().gc(parseSize(maxSize)), "removed");
    }
  }

  static long parseSize(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT).replace("B", "");
    long unit = 1;
    if (t.endsWith("K")) {
      unit = 1L << 10;
    } else if (t.endsWith("M")) {
      unit = 1L << 20;
    } else if (t.endsWith("G")) {
      unit = 1L << 30;
    }
    try {
      double v = Double.parseDouble(unit == 1 ? t : t.substring(0, t.length() - 1));
      if (v < 0) {
        throw new NumberFormatException();
      }
      return (long) (v * unit);
    } catch (NumberFormatException e) {
      throw GraftException.usage("--max-size takes a size like 500M or 2G, not '" + text + "'");
    }
  }

  static String human(long bytes) {
    if (bytes < 1 << 20) {
      return String.format("%.1f KiB", bytes / 1024.0);
    }
    return bytes < 1L << 30
        ? String.format("%.1f MiB", bytes / (double) (1 << 20))
        : String.format("%.2f GiB", bytes / (double) (1L << 30));
  }
}
