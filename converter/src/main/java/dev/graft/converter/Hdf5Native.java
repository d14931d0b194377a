package dev.graft.converter;

import org.bytedeco.hdf5.global.hdf5;

/** The native HDF5 library prints its own error stacks to stderr; graft reports errors itself. */
final class Hdf5Native {
  private Hdf5Native() {}

  /** Cheap; called before each use because thread-safe HDF5 builds keep this per thread. */
  static void silenceErrorPrinting() {
    hdf5.H5Eset_auto2(hdf5.H5E_DEFAULT(), null, null);
  }
}
