package com.ims.support.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsEnvironmentPostProcessorTest {

    @TempDir
    Path dir;

    @Test
    void addsNothingWhenNeitherVariableIsSet() {
        assertThat(TlsEnvironmentPostProcessor.tlsProperties(null, null, null)).isEmpty();
        assertThat(TlsEnvironmentPostProcessor.tlsProperties("", " ", null)).isEmpty();
    }

    @Test
    void refusesToStartWithOnlyOneOfTheTwo() {
        assertThatThrownBy(() -> TlsEnvironmentPostProcessor.tlsProperties("/etc/cert.pem", null, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("IMS_TLS_KEY").hasMessageContaining("only IMS_TLS_CERT is set");
        assertThatThrownBy(() -> TlsEnvironmentPostProcessor.tlsProperties(null, "/etc/key.pem", null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("only IMS_TLS_KEY is set");
    }

    @Test
    void refusesAPathThatIsNotAReadableFile() throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        assertThatThrownBy(() -> TlsEnvironmentPostProcessor.tlsProperties(cert.toString(), dir.resolve("missing.pem").toString(), null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("IMS_TLS_KEY must name a readable PEM file");
    }

    @Test
    void mapsBothFilesToTheServerSslBundle() throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        Path key = Files.writeString(dir.resolve("key.pem"), "y");
        Map<String, Object> p = TlsEnvironmentPostProcessor.tlsProperties(cert.toString(), "file:" + key, "pw");
        assertThat(p).containsEntry("server.ssl.bundle", "ims-server")
                .containsEntry("spring.ssl.bundle.pem.ims-server.keystore.certificate", "file:" + cert)
                .containsEntry("spring.ssl.bundle.pem.ims-server.keystore.private-key", "file:" + key)
                .containsEntry("spring.ssl.bundle.pem.ims-server.keystore.private-key-password", "pw");
    }
}
