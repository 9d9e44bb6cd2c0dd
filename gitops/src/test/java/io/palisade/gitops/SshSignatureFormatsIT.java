package io.palisade.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SSHSIG signatures made by ssh-keygen for each key type, verified by the JDK-based reader. */
class SshSignatureFormatsIT {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "rsa", "ecdsa"})
  void verifiesSignaturesOfEachKeyTypeAndRefusesOtherMessages(String type) throws Exception {
    Path key = SshKeys.generate(dir, "k-" + type, type);
    byte[] message =
        "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nsigned\n"
            .getBytes(StandardCharsets.UTF_8);
    String signature = SshKeys.sign(key, message);
    List<SshPublicKeys.SshPublicKey> trusted =
        SshPublicKeys.parseAuthorizedKeys(SshKeys.publicKey(key));

    assertThat(SshSignatures.verify(signature, message, trusted).key().fingerprint())
        .isEqualTo(SshKeys.fingerprint(key));
    byte[] other =
        "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nforged\n"
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SshSignatures.verify(signature, other, trusted))
        .hasMessageContaining("does not match the signed object");
  }

  @ParameterizedTest
  @ValueSource(strings = {"no-key-here", "ssh-ed25519 AAAAnotbase64!"})
  void badAuthorizedKeysAreRefused(String text) {
    assertThatThrownBy(() -> SshPublicKeys.parseAuthorizedKeys(text))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
