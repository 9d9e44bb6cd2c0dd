package io.palisade.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an image as an OCI archive: the OCI image layout ({@code oci-layout}, {@code index.json},
 * content-addressed blobs) in one tar, which {@code podman load}, {@code skopeo copy
 * oci-archive:...} and containerd's {@code ctr images import} all read. Layers are gzip-compressed;
 * the config lists their uncompressed digests, the manifest their compressed ones.
 */
final class OciArchive {

  static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
  static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** A layer to add: its uncompressed tar and what made it (the config's history). */
  record Layer(Path tar, String createdBy) {}

  /** A blob of the layout: its digest ({@code sha256:...}), size and where it is staged. */
  record Blob(String digest, long size, Path file) {}

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false);

  private OciArchive() {}

  /**
   * Writes {@code image} with {@code layers} (bottom first) to {@code archive}, staging blobs in
   * {@code work}; every time stamp is {@code epochSeconds}. Returns the manifest's digest.
   */
  static String write(
      ImageConfig image, List<Layer> layers, Path work, Path archive, long epochSeconds)
      throws IOException {
    Files.createDirectories(work);
    String created = Instant.ofEpochSecond(epochSeconds).toString();
    List<Blob> layerBlobs = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    List<Map<String, Object>> history = new ArrayList<>();
    for (Layer layer : layers) {
      Blob compressed = compress(layer.tar(), work);
      layerBlobs.add(compressed);
      diffIds.add(digestOf(layer.tar()));
      history.add(ordered("created", created, "created_by", layer.createdBy()));
    }
    Map<String, Object> config =
        ordered(
            "created",
            created,
            "architecture",
            "amd64",
            "os",
            "linux",
            "config",
            ordered(
                "User",
                image.user(),
                "Env",
                image.env(),
                "Entrypoint",
                image.entrypoint(),
                "Cmd",
                image.cmd(),
                "WorkingDir",
                image.workingDir(),
                "Labels",
                image.labels()),
            "rootfs",
            ordered("type", "layers", "diff_ids", diffIds),
            "history",
            history);
    Blob configBlob = json(config, work);
    Map<String, Object> manifest =
        ordered(
            "schemaVersion",
            2,
            "mediaType",
            MANIFEST_TYPE,
            "config",
            descriptor(CONFIG_TYPE, configBlob),
            "layers",
            layerBlobs.stream().map(b -> descriptor(LAYER_TYPE, b)).toList());
    Blob manifestBlob = json(manifest, work);
    Map<String, Object> manifestRef = descriptor(MANIFEST_TYPE, manifestBlob);
    // ref.name is the OCI layout's own name for the image (podman and skopeo use it);
    // containerd's import wants the full reference Kubernetes will normalise the image name to.
    manifestRef.put(
        "annotations",
        ordered(
            "org.opencontainers.image.ref.name",
            image.reference(),
            "io.containerd.image.name",
            "docker.io/library/" + image.reference()));
    Map<String, Object> index =
        ordered("schemaVersion", 2, "mediaType", INDEX_TYPE, "manifests", List.of(manifestRef));

    List<Blob> blobs = new ArrayList<>(layerBlobs);
    blobs.add(configBlob);
    blobs.add(manifestBlob);
    FileTime time = FileTime.fromMillis(epochSeconds * 1000);
    Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(Files.newOutputStream(partial), "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      bytes(tar, "oci-layout", JSON.writeValueAsBytes(Map.of("imageLayoutVersion", "1.0.0")), time);
      bytes(tar, "index.json", JSON.writeValueAsBytes(index), time);
      directory(tar, "blobs/", time);
      directory(tar, "blobs/sha256/", time);
      Map<String, Blob> unique = new LinkedHashMap<>();
      blobs.forEach(b -> unique.putIfAbsent(b.digest(), b));
      for (Blob b : unique.values()) {
        TarArchiveEntry e = new TarArchiveEntry("blobs/sha256/" + hex(b.digest()));
        e.setSize(b.size());
        e.setMode(0100644);
        e.setLastModifiedTime(time);
        tar.putArchiveEntry(e);
        Files.copy(b.file(), tar);
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
    Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING);
    for (Blob b : blobs) {
      Files.deleteIfExists(b.file());
    }
    return manifestBlob.digest();
  }

  /** The sha256 digest of a file's bytes, as {@code sha256:HEX}. */
  static String digestOf(Path file) throws IOException {
    MessageDigest sha = sha256();
    try (InputStream in = Files.newInputStream(file);
        OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
      in.transferTo(sink);
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest());
  }

  private static Blob compress(Path tar, Path work) throws IOException {
    MessageDigest sha = sha256();
    Path staged = Files.createTempFile(work, "layer", ".tar.gz");
    try (InputStream in = Files.newInputStream(tar);
        OutputStream gz =
            new GZIPOutputStream(
                new DigestOutputStream(Files.newOutputStream(staged), sha), 1 << 16)) {
      in.transferTo(gz);
    }
    return new Blob("sha256:" + HexFormat.of().formatHex(sha.digest()), Files.size(staged), staged);
  }

  private static Blob json(Object value, Path work) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(value);
    Path staged = Files.createTempFile(work, "blob", ".json");
    Files.write(staged, bytes);
    return new Blob(
        "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes)), bytes.length, staged);
  }

  private static Map<String, Object> descriptor(String mediaType, Blob blob) {
    return ordered("mediaType", mediaType, "digest", blob.digest(), "size", blob.size());
  }

  private static void bytes(TarArchiveOutputStream tar, String name, byte[] b, FileTime time)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(b.length);
    e.setMode(0100644);
    e.setLastModifiedTime(time);
    tar.putArchiveEntry(e);
    tar.write(b);
    tar.closeArchiveEntry();
  }

  private static void directory(TarArchiveOutputStream tar, String name, FileTime time)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040755);
    e.setLastModifiedTime(time);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private static Map<String, Object> ordered(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private static String hex(String digest) {
    return digest.substring("sha256:".length());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
