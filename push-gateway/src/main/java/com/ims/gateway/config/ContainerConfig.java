package com.ims.gateway.config;

import org.apache.catalina.connector.Connector;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * Sizes the servlet container for tens of thousands of mostly idle WebSockets (measurements in
 * docs/services/push-gateway.md). Threads and connection limits are in application.yml; the per-connection buffers here.
 *
 * @implNote Tomcat allocates, per WebSocket and up front, three buffers of {@code DEFAULT_BUFFER_SIZE} (frame input,
 *     frame output, UTF-8 encoder output), a binary and a text message buffer (a CharBuffer, 2 bytes per char), plus the
 *     socket's read and write buffers; all default to 8 KB. The handler takes partial messages (FrameAssembler joins
 *     them up to IMS_MAX_FRAME_BYTES), and Tomcat reads into or writes from a too-small socket buffer directly, so these
 *     buffers can be small without refusing big frames. Measured at 10k idle connections (docs/services/push-gateway.md):
 *     2 KB buffers cost 22.7 KB heap per connection, 1 KB 16.9 KB, the sizes below about 11 KB. Outbound frames do not
 *     pass through the encoder buffer: they are written from their one UTF-8 encoding as one frame, whatever their size
 *     (EncodedTextSender). Only if that is off (another container or Tomcat layout) does a text message longer than
 *     {@link #TOMCAT_WS_BUFFER} bytes leave as several fragments, one socket write each.
 */
@Configuration(proxyBeanMethods = false)
public class ContainerConfig {

    /** Per-connection text message buffer in chars: client frames are pongs and acks; larger ones arrive as parts. */
    static final int TEXT_BUFFER_CHARS = 128;
    /** Clients send no binary frames; a binary one is refused whatever its size. */
    static final int BINARY_BUFFER_BYTES = 32;
    /**
     * Tomcat's per-WebSocket frame input, frame output and encoder buffers,
     * {@code org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE} (default 8 KB each): also the largest fragment the
     * standard send path makes (which our frames bypass, see above).
     */
    static final int TOMCAT_WS_BUFFER = 256;
    /**
     * Tomcat's per-socket NIO application buffers (default 8 KB each). Reads into and writes from a buffer at least this
     * large bypass them (NioSocketWrapper), and the WebSocket buffers above are larger, so they only carry the handshake.
     */
    static final int TOMCAT_SOCKET_BUFFER = 128;

    @Bean
    ServletServerContainerFactoryBean webSocketContainer(GatewayProperties properties) {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(TEXT_BUFFER_CHARS);
        container.setMaxBinaryMessageBufferSize(BINARY_BUFFER_BYTES);
        // Liveness is the heartbeat's job (pings, 4002), not the container's idle timer.
        container.setMaxSessionIdleTimeout(0L);
        container.setAsyncSendTimeout(properties.outbound().sendTimeout().toMillis());
        return container;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
    static class TomcatTuning {

        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> gatewayTomcatTuning() {
            // Read once by Tomcat's WebSocket classes, which load when the server starts (after this customizer).
            if (System.getProperty("org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE") == null) {
                System.setProperty("org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE",
                        String.valueOf(TOMCAT_WS_BUFFER));
            }
            return factory -> factory.addConnectorCustomizers((Connector connector) -> {
                connector.setProperty("socket.appReadBufSize", String.valueOf(TOMCAT_SOCKET_BUFFER));
                connector.setProperty("socket.appWriteBufSize", String.valueOf(TOMCAT_SOCKET_BUFFER));
            });
        }
    }
}
