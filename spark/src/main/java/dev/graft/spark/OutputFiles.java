package dev.graft.spark;

import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import java.io.IOException;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Parquet output, written whole or not at all: Spark writes it beside the target under a temporary
 * name, which is renamed into place only when every task has succeeded (a failed job leaves
 * nothing; an older output is replaced only by a complete new one).
 */
public final class OutputFiles {
  private OutputFiles() {}

  static String extension(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1);
  }

  public static void writeParquet(Dataset<Row> rows, String target) {
    Path out = new Path(target);
    Path tmp =
        new Path(
            out.getParent(), "." + out.getName() + AtomicWrite.SUFFIX + "-" + UUID.randomUUID());
    try {
      FileSystem fs = out.getFileSystem(new Configuration());
      try {
        Distributed.run(
            () -> {
              rows.write().mode(SaveMode.ErrorIfExists).parquet(tmp.toString());
              return null;
            });
        Path old = null;
        if (fs.exists(out)) {
          old = new Path(out.getParent(), "." + out.getName() + ".old-" + UUID.randomUUID());
          rename(fs, out, old);
        }
        rename(fs, tmp, out);
        if (old != null) {
          fs.delete(old, true);
        }
      } finally {
        if (fs.exists(tmp)) {
          fs.delete(tmp, true);
        }
      }
    } catch (IOException e) {
      throw GraftException.badInput(target + ": cannot write: " + e.getMessage(), e);
    }
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("could not rename " + from + " to " + to);
    }
  }
}
