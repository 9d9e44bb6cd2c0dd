package io.palisade.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCI archive read back as a runtime reads it: index, manifest, config, blobs by digest. */
class OciArchiveTest {

  @TempDir Path dir;

  private final ObjectMapper json = new ObjectMapper();

  private static final ImageConfig IMAGE =
      new ImageConfig(
          "palisade-node",
          "1.2.3",
          "0:0",
          List.of("/usr/local/bin/palisade-node"),
          List.of("node-daemon"),
          List.of("PATH=/usr/bin"),
          "/",
          Map.of("org.opencontainers.image.version", "1.2.3"));

  @Test
  void theIndexNamesTheManifestWhoseBlobsAllCarryTheirDigests() throws Exception {
    Path archive = archive(IMAGE, "a.oci.tar");
    Map<String, byte[]> files = read(archive);

    assertThat(json.readTree(files.get("oci-layout")).path("imageLayoutVersion").asText())
        .isEqualTo("1.0.0");
    JsonNode index = json.readTree(files.get("index.json"));
    JsonNode ref = index.path("manifests").get(0);
    assertThat(ref.path("annotations").path("org.opencontainers.image.ref.name").asText())
        .isEqualTo("palisade-node:1.2.3");
    assertThat(ref.path("annotations").path("io.containerd.image.name").asText())
        .isEqualTo("docker.io/library/palisade-node:1.2.3");

    byte[] manifestBytes = blob(files, ref);
    JsonNode manifest = json.readTree(manifestBytes);
    assertThat(manifest.path("mediaType").asText()).isEqualTo(OciArchive.MANIFEST_TYPE);
    JsonNode config = json.readTree(blob(files, manifest.path("config")));
    assertThat(config.path("config").path("Entrypoint").get(0).asText())
        .isEqualTo("/usr/local/bin/palisade-node");
    assertThat(config.path("config").path("User").asText()).isEqualTo("0:0");
    assertThat(config.path("created").asText()).isEqualTo("2025-01-01T00:00:00Z");

    // Each layer: the manifest has the digest of the gzip, the config that of the tar inside.
    JsonNode layers = manifest.path("layers");
    assertThat(layers).hasSize(2);
    for (int i = 0; i < layers.size(); i++) {
      byte[] gz = blob(files, layers.get(i));
      byte[] tar = new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes();
      assertThat(config.path("rootfs").path("diff_ids").get(i).asText()).isEqualTo(sha256(tar));
    }
    assertThat(entries(gunzip(blob(files, layers.get(1)))))
        .containsEntry("usr/local/bin/palisade-node", 0100755)
        .containsEntry("usr/local/bin/", 040755);
  }

  @Test
  void theSameInputsGiveTheSameArchive() throws Exception {
    assertThat(Files.readAllBytes(archive(IMAGE, "one.oci.tar")))
        .isEqualTo(Files.readAllBytes(archive(IMAGE, "two.oci.tar")));
  }

  @Test
  void twoIdenticalLayersAreStoredOnce() throws Exception {
    Path layer = layer(new TarLayer().file("/etc/hostname", "x\n", 0644), "same.tar");
    Path archive = dir.resolve("dup.oci.tar");
    OciArchive.write(
        IMAGE,
        List.of(new OciArchive.Layer(layer, "one"), new OciArchive.Layer(layer, "two")),
        dir.resolve("work-dup"),
        archive,
        1735689600);
    long blobs = read(archive).keySet().stream().filter(n -> n.startsWith("blobs/sha256/")).count();
    assertThat(blobs).isEqualTo(3); // one layer, the config, the manifest
    assertThat(dir.resolve("work-dup")).isEmptyDirectory();
  }

  @Test
  void aTreeKeepsExecutableBitsAndLinksAndTheLayerItsOwners() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/bin"));
    Path java = Files.writeString(src.resolve("java"), "#!/bin/sh\n");
    java.toFile().setExecutable(true);
    Files.writeString(dir.resolve("src/release"), "JAVA_VERSION=25\n");
    Files.createSymbolicLink(dir.resolve("src/bin/jre"), Path.of("java"));
    TarLayer layer =
        new TarLayer()
            .tree(dir.resolve("src"), "/opt/java")
            .directory("/var/cache/palisade/git", 0750, TarLayer.NON_ROOT);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    layer.write(out, 1735689600);

    Map<String, TarArchiveEntry> byName = new LinkedHashMap<>();
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        byName.put(e.getName(), e);
      }
    }
    assertThat(byName.keySet())
        .containsExactly(
            "opt/",
            "opt/java/",
            "opt/java/bin/",
            "opt/java/bin/java",
            "opt/java/bin/jre",
            "opt/java/release",
            "var/",
            "var/cache/",
            "var/cache/palisade/",
            "var/cache/palisade/git/");
    assertThat(byName.get("opt/java/bin/java").getMode()).isEqualTo(0100755);
    assertThat(byName.get("opt/java/release").getMode()).isEqualTo(0100644);
    assertThat(byName.get("opt/java/bin/jre").getLinkName()).isEqualTo("java");
    TarArchiveEntry cache = byName.get("var/cache/palisade/git/");
    assertThat(cache.getLongUserId()).isEqualTo(TarLayer.NON_ROOT);
    assertThat(cache.getLongGroupId()).isEqualTo(TarLayer.NON_ROOT);
    assertThat(cache.getMode()).isEqualTo(040750);
    assertThat(byName.get("opt/java/bin/java").getLongUserId()).isZero();
    assertThat(byName.get("opt/java/bin/java").getLastModifiedDate().toInstant().getEpochSecond())
        .isEqualTo(1735689600);
  }

  @Test
  void aPathOutsideTheImageIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new TarLayer().file("/opt/../../etc/passwd", "", 0644))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a path inside the image: \"/opt/../../etc/passwd\"");
  }

  private Path archive(ImageConfig image, String name) throws IOException {
    Path base = layer(new TarLayer().file("/etc/os-release", "ID=debian\n", 0644), name + "-1");
    Path app =
        layer(
            new TarLayer().file("/usr/local/bin/palisade-node", "#!/bin/sh\n", 0755), name + "-2");
    Path archive = dir.resolve(name);
    OciArchive.write(
        image,
        List.of(new OciArchive.Layer(base, "base"), new OciArchive.Layer(app, "app")),
        dir.resolve("work-" + name),
        archive,
        1735689600);
    return archive;
  }

  private Path layer(TarLayer layer, String name) throws IOException {
    Path tar = dir.resolve(name + ".tar");
    try (var out = Files.newOutputStream(tar)) {
      layer.write(out, 1735689600);
    }
    return tar;
  }

  /** The blob a descriptor points at, checked against its digest and size. */
  private static byte[] blob(Map<String, byte[]> files, JsonNode descriptor) throws Exception {
    String digest = descriptor.path("digest").asText();
    byte[] b = files.get("blobs/sha256/" + digest.substring("sha256:".length()));
    assertThat(b).as(digest).isNotNull();
    assertThat(sha256(b)).isEqualTo(digest);
    assertThat((long) b.length).isEqualTo(descriptor.path("size").asLong());
    return b;
  }

  private static Map<String, byte[]> read(Path archive) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(archive))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (!e.isDirectory()) {
          files.put(e.getName(), in.readAllBytes());
        }
      }
    }
    return files;
  }

  private static Map<String, Integer> entries(byte[] tar) throws IOException {
    Map<String, Integer> modes = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        modes.put(e.getName(), e.getMode());
      }
    }
    return modes;
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
