package com.ims.gateway.netty;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS on the Netty server comes from an SSL bundle; any other TLS setup would be dropped, so the gateway must not start. */
class NettyConfigTest {

    @Test
    void tlsSetUpWithoutABundleStopsTheStartInsteadOfServingPlainText() {
        MockEnvironment keyStore = new MockEnvironment().withProperty("server.ssl.key-store", "classpath:ks.p12");
        assertThatThrownBy(() -> NettyConfig.requireBundleForTls(keyStore, ""))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("server.ssl.key-store");
        MockEnvironment pem = new MockEnvironment().withProperty("server.ssl.certificate", "file:/c.pem");
        assertThatThrownBy(() -> NettyConfig.requireBundleForTls(pem, ""))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("server.ssl.certificate");
    }

    @Test
    void aBundleOrNoTlsAtAllStarts() {
        assertThatCode(() -> NettyConfig.requireBundleForTls(new MockEnvironment(), "")).doesNotThrowAnyException();
        MockEnvironment both = new MockEnvironment().withProperty("server.ssl.key-store", "classpath:ks.p12");
        assertThatCode(() -> NettyConfig.requireBundleForTls(both, "ims-server")).doesNotThrowAnyException();
    }

    @Test
    void anHttpIdleTimeoutOfZeroIsRefusedNotTakenAsOff() {
        assertThatThrownBy(() -> new NettyServer(null, null, 0, 1, 1, java.time.Duration.ZERO, false, null,
                port -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ims.ws.http-idle-timeout");
    }
}
