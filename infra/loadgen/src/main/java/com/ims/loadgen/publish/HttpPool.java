package com.ims.loadgen.publish;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/1.1 POST client: a few keep-alive connections, one worker thread each, requests from a bounded queue.
 *
 * <p>Why not java.net.http.HttpClient: measured here it spent about 0.9 ms of CPU per request, which at 1,000
 * requests/s would take half of this two-core machine away from the server under test; this costs a write and a read.
 * A request is never retried (a retry could publish a message twice); a connection idle for longer than a server's
 * usual keep-alive timeout is replaced before use instead of failing a request on it.
 */
final class HttpPool implements AutoCloseable {

    /** Shorter than Node's 5 s keepAliveTimeout and Tomcat's 20 s connection timeout. */
    private static final long IDLE_REOPEN_NANOS = TimeUnit.SECONDS.toNanos(4);

    record Response(int status, String body) {
    }

    private record Task(byte[] request, CompletableFuture<Response> result) {
    }

    private final URI url;
    private final byte[] head;
    private final BlockingQueue<Task> queue;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

    HttpPool(URI url, String authorization, int connections, int queueCapacity) {
        this.url = url;
        String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        this.head = ("POST " + path + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + port(url) + "\r\n"
                + "Content-Type: application/json\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n"))
                .getBytes(StandardCharsets.ISO_8859_1);
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(this::work, "lg-http-" + (i + 1));
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
    }

    /** Queues a POST; null when the queue is full (the caller counts it as shed). */
    CompletableFuture<Response> post(String body) {
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        byte[] length = ("Content-Length: " + payload.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + length.length + payload.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(length, 0, request, head.length, length.length);
        System.arraycopy(payload, 0, request, head.length + length.length, payload.length);
        CompletableFuture<Response> result = new CompletableFuture<>();
        return queue.offer(new Task(request, result)) ? result : null;
    }

    int pending() {
        return queue.size();
    }

    private void work() {
        Socket socket = null;
        InputStream in = null; // buffered, kept with its socket: no request is written before the last answer is read
        long lastUsed = 0;
        while (running) {
            Task task;
            try {
                task = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (task == null) {
                continue;
            }
            try {
                if (socket != null && System.nanoTime() - lastUsed > IDLE_REOPEN_NANOS) {
                    socket.close();
                    socket = null;
                }
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress(url.getHost(), port(url)), 5000);
                    socket.setSoTimeout(30_000);
                    in = new BufferedInputStream(socket.getInputStream(), 8192);
                }
                OutputStream out = socket.getOutputStream();
                out.write(task.request());
                out.flush();
                ParsedResponse r = readResponse(in);
                lastUsed = System.nanoTime();
                if (r.close) {
                    socket.close();
                    socket = null;
                }
                task.result().complete(new Response(r.status, r.body));
            } catch (IOException | RuntimeException e) {
                task.result().completeExceptionally(e);
                try {
                    if (socket != null) {
                        socket.close();
                    }
                } catch (IOException ignored) {
                    // replaced below
                }
                socket = null;
            }
        }
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // shutting down
        }
    }

    private record ParsedResponse(int status, String body, boolean close) {
    }

    /** Reads one response from a buffered stream: status line, headers, then a Content-Length or chunked body. */
    static ParsedResponse readResponse(InputStream in) throws IOException {
        String status = line(in);
        if (!status.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = status.startsWith("HTTP/1.0");
        String header;
        while (!(header = line(in)).isEmpty()) {
            String h = header.toLowerCase(Locale.ROOT);
            if (h.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).trim());
            } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                chunked = true;
            } else if (h.startsWith("connection:")) {
                close = h.contains("close");
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String size = line(in);
                int semicolon = size.indexOf(';');
                int n = Integer.parseInt((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                if (n == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    break;
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        } else if (length >= 0) {
            body.write(in.readNBytes((int) length));
        } else if (code != 204 && code != 304) {
            body.write(in.readAllBytes());
            close = true;
        }
        return new ParsedResponse(code, body.toString(StandardCharsets.UTF_8), close);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        throw new IOException("connection closed mid-response");
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : 80;
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : workers) {
            t.interrupt();
        }
    }
}
