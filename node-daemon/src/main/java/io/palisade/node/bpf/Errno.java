package io.palisade.node.bpf;

/** The errno values the daemon reacts to, by name. */
public final class Errno {

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int E2BIG = 7;
  public static final int EBADF = 9;
  public static final int EEXIST = 17;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;
  public static final int ENOTSUP = 95;
  public static final int ENOTSUPP = 524;

  private Errno() {}

  static String describe(int errno) {
    String name =
        switch (errno) {
          case EPERM -> "EPERM";
          case ENOENT -> "ENOENT";
          case E2BIG -> "E2BIG";
          case EBADF -> "EBADF";
          case EEXIST -> "EEXIST";
          case EINVAL -> "EINVAL";
          case ENOSPC -> "ENOSPC";
          case ENOTSUP -> "EOPNOTSUPP";
          case ENOTSUPP -> "ENOTSUPP";
          default -> "errno";
        };
    return name + " (" + errno + ")";
  }
}
