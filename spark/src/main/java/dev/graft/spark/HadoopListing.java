package dev.graft.spark;

import dev.graft.GraftException;
import dev.graft.data.ImageFormats;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Images under a Hadoop file system URI ({@code hdfs://}, {@code s3a://}, {@code file:/}...):
 * listed on the driver by name (recursively, hidden files and folders left out and counted),
 * recognised by content on the executors (a distributed read of each file's first bytes), sorted by
 * path as graft sorts a local folder.
 */
final class HadoopListing {
  private HadoopListing() {}

  /** Whether an input names a file system URI rather than a local path. */
  static boolean isUri(String input) {
    return input.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*");
  }

  /** A listed file: its URI and its path below the input ('/'-separated; "" for the input). */
  record Listed(String uri, String relative) implements Serializable {}

  /** The images under {@code input} (a folder or one file), and how many files were left out. */
  record Images(List<Listed> images, int skipped) {}

  static Images images(SparkSession spark, String input) {
    List<Listed> all = new ArrayList<>();
    int hidden = 0;
    try {
      Path root = new Path(URI.create(input));
      FileSystem fs = root.getFileSystem(new Configuration());
      if (!fs.exists(root)) {
        throw GraftException.badInput(input + ": no such file or folder");
      }
      String rootUri = fs.getFileStatus(root).getPath().toUri().toString();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        String uri = it.next().getPath().toUri().toString();
        String relative = uri.equals(rootUri) ? "" : uri.substring(rootUri.length() + 1);
        if (relative.startsWith(".") || relative.contains("/.")) {
          hidden++;
        } else {
          all.add(new Listed(uri, relative));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw GraftException.badInput(input + ": cannot list: " + e.getMessage(), e);
    }
    all.sort(Comparator.comparing(Listed::relative));
    if (all.isEmpty()) {
      throw GraftException.badInput(input + ": no files");
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices = Math.max(1, Math.min(all.size(), sc.defaultParallelism() * 4));
    List<Listed> images =
        Distributed.run(() -> sc.parallelize(all, slices).filter(HadoopListing::isImage).collect());
    if (images.isEmpty()) {
      throw GraftException.badInput(input + ": no images");
    }
    return new Images(images, hidden + all.size() - images.size());
  }

  private static boolean isImage(Listed f) throws IOException {
    Path p = new Path(URI.create(f.uri()));
    byte[] head = new byte[12];
    int n;
    try (InputStream in = p.getFileSystem(new Configuration()).open(p)) {
      n = in.readNBytes(head, 0, head.length);
    }
    return ImageFormats.sniff(head, n) != null;
  }
}
