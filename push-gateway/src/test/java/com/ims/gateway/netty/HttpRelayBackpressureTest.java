package com.ims.gateway.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import com.ims.gateway.support.GatewayTestBase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link HttpRelay}'s back pressure, through real sockets: a relayed response flows only as fast as the client reads
 * it, and a relayed upload only as fast as the container reads it, so neither side's speed puts a body in the
 * gateway's memory; and both still arrive whole and in order.
 *
 * <p>Its own context, not {@link NettyServerTest}'s: that one's HTTP idle timeout is 3 s so that a test can watch it
 * pass, and a transfer held still on purpose, then read by a test thread on a busy machine, must not meet it.
 */
@TestPropertySource(properties = {"ims.ws.server=netty", "ims.ws.http-idle-timeout=30s"})
class HttpRelayBackpressureTest extends GatewayTestBase {

    /** Its own gateway id: a context with other properties must not share the other socket tests' topic and group. */
    @DynamicPropertySource
    static void ownGateway(DynamicPropertyRegistry registry) {
        registry.add("ims.gateway.id", () -> GATEWAY_ID + "-relay");
    }

    @Autowired
    Bulk bulk;

    /** A servlet that sends and takes bodies far larger than every buffer between it and the client together. */
    @TestConfiguration
    static class BulkServlet {
        @Bean
        Bulk bulk() {
            return new Bulk();
        }

        @Bean
        ServletRegistrationBean<Bulk> bulkRegistration(Bulk bulk) {
            return new ServletRegistrationBean<>(bulk, Bulk.PATH);
        }
    }

    @Test
    void aClientThatDoesNotReadHoldsTheContainersResponseBackAndStillGetsAllOfIt() throws Exception {
        String request = "GET " + Bulk.PATH + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + token("reader", unique("t")) + "\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024); // before connect: no window scaling beyond it
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));

            long stalledAt = awaitStalled(bulk.sent::get);
            // Without the relay's back pressure its front channel would buffer the whole body and the servlet finish.
            assertThat(stalledAt).as("bytes the servlet wrote while the client read nothing")
                    .isGreaterThan(0).isLessThan(Bulk.BODY / 2);
            assertThat(bulk.responses.get()).isZero();

            InputStream in = socket.getInputStream();
            assertThat(headerLines(in)).first().asString().startsWith("HTTP/1.1 200");
            Bulk.Read received = Bulk.readBody(in);
            assertThat(received.firstWrongByte()).as("the first byte that is not the servlet's").isEqualTo(-1);
            assertThat(received.bytes()).as("the whole body, in order").isEqualTo(Bulk.BODY);
        }
    }

    @Test
    void anUploadFasterThanTheContainerReadsIsHeldAtTheClientAndArrivesWhole() throws Exception {
        String head = "POST " + Bulk.PATH + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + token("writer", unique("t")) + "\r\nContent-Length: " + Bulk.BODY
                + "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket()) {
            socket.setSendBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
                try {
                    Bulk.writeBody(out, written);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try {
                long stalledAt = awaitStalled(written::get);
                // Without it the relay would read the whole upload into the container connection's buffer.
                assertThat(stalledAt).as("bytes the client could write while the servlet read nothing")
                        .isGreaterThan(0).isLessThan(Bulk.BODY / 2);
            } finally {
                bulk.readUploads.countDown();
            }
            upload.get(30, TimeUnit.SECONDS);
            List<String> response = headerLines(socket.getInputStream());
            assertThat(response).first().asString().startsWith("HTTP/1.1 200");
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .as("what the servlet read, in order").isEqualTo(Bulk.BODY + " bytes in order");
        }
    }

    /**
     * Waits until {@code progress} stops moving (unchanged for half a second: a stalled transfer on loopback, where
     * a moving one advances by megabytes in that time) and returns where it stopped.
     */
    private static long awaitStalled(LongSupplier progress) {
        long[] last = {-1, System.nanoTime()};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            long now = progress.getAsLong();
            if (now != last[0]) {
                last[0] = now;
                last[1] = System.nanoTime();
                return false;
            }
            return now > 0 && System.nanoTime() - last[1] > TimeUnit.MILLISECONDS.toNanos(500);
        });
        return last[0];
    }

    /** Reads one response's status line and headers, byte by byte, leaving the stream at the body. */
    private static List<String> headerLines(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                if (line.isEmpty()) {
                    return lines;
                }
                lines.add(line.toString());
                line.setLength(0);
            } else if (b != '\r') {
                line.append((char) b);
            }
        }
        throw new IOException("the connection closed inside the headers: " + lines);
    }

    /**
     * GET sends {@link #BODY} bytes; POST waits for {@link #readUploads} before it reads its body, then says how much
     * it read and whether each byte was where {@link #at} puts it.
     */
    static final class Bulk extends HttpServlet {

        static final String PATH = "/test/bulk";
        /** Several times every socket and channel buffer on the way together (8 to 15 MB measured on loopback here). */
        static final int BODY = 128 << 20;

        final AtomicLong sent = new AtomicLong();
        final AtomicLong responses = new AtomicLong();
        final CountDownLatch readUploads = new CountDownLatch(1);

        /** The body's byte at {@code offset}: a pattern whose period (251) no buffer size divides. */
        static byte at(long offset) {
            return (byte) (offset % 251);
        }

        /** Writes the whole body in 64 KB chunks, adding each to {@code written} once the stream has taken it. */
        static void writeBody(OutputStream out, AtomicLong written) throws IOException {
            byte[] chunk = new byte[64 * 1024];
            for (long offset = 0; offset < BODY; offset += chunk.length) {
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = at(offset + i);
                }
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
        }

        /** @param firstWrongByte the offset of the first byte not where {@link #at} puts it, -1 when none */
        record Read(long bytes, long firstWrongByte) {
        }

        /** Reads to the end of {@code in}, checking each byte against the pattern. */
        static Read readBody(InputStream in) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            long wrong = -1;
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                for (int i = 0; i < n && wrong < 0; i++) {
                    if (buffer[i] != at(read + i)) {
                        wrong = read + i;
                    }
                }
                read += n;
            }
            return new Read(read, wrong);
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("application/octet-stream");
            response.setContentLengthLong(BODY);
            writeBody(response.getOutputStream(), sent);
            responses.incrementAndGet();
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            try {
                if (!readUploads.await(60, TimeUnit.SECONDS)) {
                    response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Read read = readBody(request.getInputStream());
            response.setContentType("text/plain");
            String order = read.firstWrongByte() < 0 ? "in order" : "out of order";
            response.getWriter().print(read.bytes() + " bytes " + order);
        }
    }
}
