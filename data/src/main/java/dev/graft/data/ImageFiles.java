package dev.graft.data;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The images under a folder (or one image file), recognised by content: hidden files and files that
 * are not images are skipped and counted; a symbolic link that leaves the folder is refused. Sorted
 * by path, so every run and every tool sees them in the same order.
 *
 * @param files the images, sorted
 * @param skipped files that were not images (hidden ones included)
 */
public record ImageFiles(List<Path> files, int skipped) {

  /** A folder of images (searched recursively) or a single image file. */
  public static ImageFiles collect(Path input) {
    try {
      if (Files.isRegularFile(input)) {
        if (ImageFormats.sniff(input) == null) {
          throw GraftException.badInput(
              input + ": not an image graft reads (PNG, JPEG, BMP, GIF or WebP, by content)");
        }
        return new ImageFiles(List.of(input), 0);
      }
      if (!Files.isDirectory(input)) {
        throw GraftException.badInput(input + ": no such file or folder");
      }
      Path root = input.toRealPath();
      List<Path> files = new ArrayList<>();
      int skipped = 0;
      List<Path> all;
      try (Stream<Path> s = Files.walk(input)) {
        all = s.filter(p -> !p.equals(input)).sorted().toList();
      }
      for (Path p : all) {
        if (!p.toRealPath().startsWith(root)) {
          throw GraftException.badInput(p + ": a link that leaves " + input + ": refused");
        }
        if (!Files.isRegularFile(p)) {
          continue;
        }
        if (hidden(input, p) || ImageFormats.sniff(p) == null) {
          skipped++;
          continue;
        }
        files.add(p);
      }
      if (files.isEmpty()) {
        throw GraftException.badInput(input + ": no images in this folder");
      }
      return new ImageFiles(List.copyOf(files), skipped);
    } catch (IOException e) {
      throw GraftException.badInput(input + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Whether a path below the folder has a hidden part (".DS_Store", ".ipynb_checkpoints/x"). */
  private static boolean hidden(Path root, Path p) {
    for (Path part : root.relativize(p)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
