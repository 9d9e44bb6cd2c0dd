package io.palisade.images;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Builds {@code palisade-operator:VERSION} and {@code palisade-node:VERSION} as OCI archives, and
 * writes their references where kustomize and scripts take them ({@code images.env}, {@code
 * kustomization.yaml}). Run by the {@code images} module's build; needs mmdebstrap and root (or
 * unprivileged user namespaces) and Debian's mirrors, nothing else from the network.
 */
public final class BuildImages {

  static final String JAVA_HOME = "/opt/java";
  static final String CLI_JAR = "/opt/palisade/palisade.jar";
  static final String OPERATOR_DIR = "/opt/palisade/operator";
  static final List<String> ENV =
      List.of(
          "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:" + JAVA_HOME + "/bin",
          "JAVA_HOME=" + JAVA_HOME,
          "LANG=C.UTF-8");

  private final BuildOptions options;

  BuildImages(BuildOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    BuildOptions options;
    try {
      options = BuildOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    new BuildImages(options).build();
  }

  void build() throws Exception {
    Path work = options.work();
    Files.createDirectories(work);
    Files.createDirectories(options.output());
    DebianRootfs debian =
        new DebianRootfs(
            options.suite(), options.mirror(), options.securityMirror(), options.epoch());
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      // The mirror is the slow part: both root file systems and the runtime are made at once.
      Future<Path> operatorRoot =
          pool.submit(
              () ->
                  log(
                      "operator root file system",
                      () ->
                          debian.build(
                              List.of(), nonRootUserHooks(), work.resolve("operator-rootfs.tar"))));
      Future<Path> nodeRoot =
          pool.submit(
              () ->
                  log(
                      "node root file system",
                      () ->
                          debian.build(NODE_PACKAGES, List.of(), work.resolve("node-rootfs.tar"))));
      Future<Path> runtime = pool.submit(() -> log("Java runtime", this::javaRuntime));
      Path runtimeLayer = work.resolve("java-runtime.tar");
      layer(new TarLayer().tree(runtime.get(), JAVA_HOME), runtimeLayer);

      Path nodeApp = work.resolve("node-app.tar");
      layer(cliLayer().file("/usr/local/bin/palisade-node", NODE_LAUNCHER, 0755), nodeApp);
      ImageConfig node = nodeImage();
      write(node, nodeRoot.get(), runtimeLayer, nodeApp);

      Path operatorApp = work.resolve("operator-app.tar");
      layer(
          cliLayer()
              .tree(options.operatorApp(), OPERATOR_DIR)
              .directory("/var/cache/palisade/git", 0755, TarLayer.NON_ROOT)
              .directory("/home/palisade", 0755, TarLayer.NON_ROOT),
          operatorApp);
      ImageConfig operator = operatorImage();
      write(operator, operatorRoot.get(), runtimeLayer, operatorApp);

      ImageRefs.write(options.output(), List.of(operator, node));
    }
  }

  /** What the node daemon needs beside Java: libbpf (loaded through FFM) and tc/ip for pods. */
  static final List<String> NODE_PACKAGES = List.of("libbpf1", "iproute2");

  static final String CLI_LAUNCHER =
      """
      #!/bin/sh
      # The Palisade CLI (validate, trace, matrix, standalone) on the image's Java runtime.
      exec %s/bin/java --enable-native-access=ALL-UNNAMED -jar %s "$@"
      """
          .formatted(JAVA_HOME, CLI_JAR);

  static final String NODE_LAUNCHER =
      """
      #!/bin/sh
      # The node daemon: "palisade-node node-daemon --node NAME --operator HOST:PORT ..." streams
      # from the operator; without "node-daemon" it runs file mode. It is in the CLI's jar.
      exec %s/bin/java --enable-native-access=ALL-UNNAMED -cp %s io.palisade.node.NodeDaemon "$@"
      """
          .formatted(JAVA_HOME, CLI_JAR);

  ImageConfig nodeImage() {
    // Root: loading eBPF programs, pinning maps and attaching to pods' veths need CAP_BPF,
    // CAP_NET_ADMIN and CAP_SYS_ADMIN, which the DaemonSet grants and nothing else in the pod has.
    return new ImageConfig(
        "palisade-node",
        options.version(),
        "0:0",
        List.of("/usr/local/bin/palisade-node"),
        List.of("node-daemon"),
        ENV,
        "/",
        labels("Palisade node daemon: the eBPF datapath, fed by the operator's node-state stream"));
  }

  ImageConfig operatorImage() {
    return new ImageConfig(
        "palisade-operator",
        options.version(),
        TarLayer.NON_ROOT + ":" + TarLayer.NON_ROOT,
        List.of(JAVA_HOME + "/bin/java", "-jar", OPERATOR_DIR + "/quarkus-run.jar"),
        List.of(),
        ENV,
        "/home/palisade",
        labels(
            "Palisade operator: reconcilers, identities, PolicySource and the node-state server"));
  }

  /**
   * The operator's user in /etc/passwd and /etc/group: the JVM and JGit read the home directory
   * from there, and a uid without an entry has none.
   */
  static List<String> nonRootUserHooks() {
    int id = TarLayer.NON_ROOT;
    return List.of(
        "echo 'palisade:x:%d:%d:Palisade:/home/palisade:/usr/sbin/nologin' >> \"$1/etc/passwd\""
            .formatted(id, id),
        "echo 'palisade:x:%d:' >> \"$1/etc/group\"".formatted(id));
  }

  private TarLayer cliLayer() {
    return new TarLayer()
        .copy(options.cliJar(), CLI_JAR, 0644)
        .file("/usr/local/bin/palisade", CLI_LAUNCHER, 0755);
  }

  private Path javaRuntime() throws IOException, InterruptedException {
    JavaRuntime jr = new JavaRuntime(options.jdk());
    List<Path> jars = new ArrayList<>(JavaRuntime.jarsOf(options.operatorApp()));
    jars.add(options.cliJar());
    Set<String> modules = new TreeSet<>(jr.modulesOf(jars, options.work().resolve("jdeps")));
    Path out = options.work().resolve("java-runtime");
    jr.link(modules, out);
    System.out.println("palisade-images: Java runtime with " + String.join(",", modules));
    return out;
  }

  private Map<String, String> labels(String description) {
    return Map.of(
        "org.opencontainers.image.title",
        "palisade",
        "org.opencontainers.image.description",
        description,
        "org.opencontainers.image.version",
        options.version());
  }

  private void layer(TarLayer layer, Path tar) throws IOException {
    try (OutputStream out = Files.newOutputStream(tar)) {
      layer.write(out, options.epoch());
    }
  }

  private void write(ImageConfig image, Path rootfs, Path runtime, Path app) throws IOException {
    Path archive = options.output().resolve(ImageRefs.archiveName(image));
    String digest =
        OciArchive.write(
            image,
            List.of(
                new OciArchive.Layer(rootfs, "mmdebstrap --variant=essential " + options.suite()),
                new OciArchive.Layer(runtime, "jlink (Java runtime)"),
                new OciArchive.Layer(app, "palisade " + options.version())),
            options.work().resolve("blobs"),
            archive,
            options.epoch());
    System.out.printf(
        "palisade-images: %s %s (%d MB) %s%n",
        image.reference(), archive, Files.size(archive) >> 20, digest);
  }

  private interface Step<T> {
    T run() throws Exception;
  }

  private static <T> T log(String what, Step<T> step) throws Exception {
    long start = System.nanoTime();
    T result = step.run();
    System.out.printf(
        "palisade-images: %s in %d s%n", what, (System.nanoTime() - start) / 1_000_000_000);
    return result;
  }
}
