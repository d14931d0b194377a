package dev.graft.trainer.data;

import dev.graft.GraftException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fashion-MNIST from its IDX files. The folder is looked up in: an explicit one (--data), then
 * $GRAFT_DATA, ~/.keras/datasets/fashion-mnist, /usr/share/datasets/fashion-mnist (Debian's
 * dataset-fashion-mnist package). Pixels are scaled to [0, 1], as the chapter does.
 */
public final class FashionMnist {
  public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";
  public static final List<String> CLASS_NAMES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");
  private static final String[] FILES = {
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte"
  };
  private static final Map<String, Split> CACHE = new LinkedHashMap<>();

  private final Path folder;
  private final Split train;
  private final Split test;

  private FashionMnist(Path folder, Split train, Split test) {
    this.folder = folder;
    this.train = train;
    this.test = test;
  }

  /** The 60,000 training images (the chapter's validation set is the first 5,000). */
  public Split train() {
    return train;
  }

  /** The 10,000 test images. */
  public Split test() {
    return test;
  }

  public Path folder() {
    return folder;
  }

  /** Images of one split: n x 784 floats in [0, 1], row-major, and their labels 0..9. */
  public record Split(float[] pixels, int[] labels, int rows, int cols) {
    public int size() {
      return labels.length;
    }

    public int pixelsPerImage() {
      return rows * cols;
    }
  }

  /** Loads from the first folder of the search path that has all four files. */
  public static FashionMnist load(Path explicit) {
    Path folder = locate(explicit);
    synchronized (CACHE) {
      String key = folder.toAbsolutePath().normalize().toString();
      Split cachedTrain = CACHE.get(key + "#train");
      Split cachedTest = CACHE.get(key + "#test");
      if (cachedTrain != null && cachedTest != null) {
        return new FashionMnist(folder, cachedTrain, cachedTest);
      }
      Split train = read(file(folder, FILES[0]), file(folder, FILES[1]));
      Split test = read(file(folder, FILES[2]), file(folder, FILES[3]));
      CACHE.put(key + "#train", train);
      CACHE.put(key + "#test", test);
      return new FashionMnist(folder, train, test);
    }
  }

  /** The folders tried, in order. */
  public static List<Path> searchPath(Path explicit) {
    List<Path> places = new ArrayList<>();
    if (explicit != null) {
      places.add(explicit);
      return places;
    }
    String env = System.getenv("GRAFT_DATA");
    if (env != null && !env.isBlank()) {
      places.add(Path.of(env));
    }
    places.add(Path.of(System.getProperty("user.home"), ".keras", "datasets", "fashion-mnist"));
    places.add(Path.of("/usr/share/datasets/fashion-mnist"));
    return places;
  }

  public static Path locate(Path explicit) {
    List<Path> places = searchPath(explicit);
    for (Path place : places) {
      if (hasAll(place)) {
        return place;
      }
    }
    throw GraftException.badInput(
        "Fashion-MNIST not found (looked in "
            + places.stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElse("")
            + "); install the Debian package "
            + DEBIAN_PACKAGE
            + " (apt-get install "
            + DEBIAN_PACKAGE
            + ") or pass --data DIR with the four IDX files");
  }

  private static boolean hasAll(Path folder) {
    for (String name : FILES) {
      if (!Files.isRegularFile(folder.resolve(name + ".gz"))
          && !Files.isRegularFile(folder.resolve(name))) {
        return false;
      }
    }
    return true;
  }

  private static Path file(Path folder, String name) {
    Path gz = folder.resolve(name + ".gz");
    return Files.isRegularFile(gz) ? gz : folder.resolve(name);
  }

  private static Split read(Path imagesFile, Path labelsFile) {
    Idx.Images images = Idx.readImages(imagesFile);
    int[] labels = Idx.readLabels(labelsFile);
    if (labels.length != images.count()) {
      throw GraftException.badInput(
          imagesFile
              + " has "
              + images.count()
              + " images but "
              + labelsFile
              + " has "
              + labels.length
              + " labels");
    }
    for (int label : labels) {
      if (label > 9) {
        throw GraftException.badInput(
            labelsFile + ": label " + label + " is not a Fashion-MNIST class (0..9)");
      }
    }
    byte[] raw = images.pixels();
    float[] pixels = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      pixels[i] = (raw[i] & 0xff) / 255f;
    }
    return new Split(pixels, labels, images.rows(), images.cols());
  }
}
