package io.palisade.node.bpf;

/** A failed libbpf or kernel call, with the operation and the errno it returned. */
public final class BpfException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int errno;

  public BpfException(String operation, int errno) {
    super(operation + ": " + Errno.describe(errno));
    this.errno = errno;
  }

  /** The positive errno value, e.g. {@link Errno#ENOENT}. */
  public int errno() {
    return errno;
  }

  /** Throws for a negative libbpf return code, returns it otherwise. */
  static int check(String operation, int rc) {
    if (rc < 0) {
      throw new BpfException(operation, -rc);
    }
    return rc;
  }
}
