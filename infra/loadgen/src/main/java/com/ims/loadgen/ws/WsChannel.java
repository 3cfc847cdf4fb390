package com.ims.loadgen.ws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client WebSocket (RFC 6455) on a non-blocking socket, driven by a {@link WsLoop}. It does only what a load
 * generator needs: the upgrade handshake, text frames (fragmented or not), ping→pong, close; it masks what it sends
 * and reads what the server sends unmasked. Per connection it keeps a few fields and, only while a frame is split
 * across reads, the unread bytes — so 15,000 of them cost little memory and no thread.
 */
public final class WsChannel {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    enum State { CONNECTING, HANDSHAKE, OPEN, CLOSED }

    final WsLoop loop;
    final WsListener listener;
    final URI uri;
    final InetSocketAddress local;
    final long deadlineNanos;
    SocketChannel socket;
    SelectionKey key;
    volatile State state = State.CONNECTING;
    private volatile boolean closeSent;
    private final String secKey;
    private ByteBuffer pending;              // unread bytes, in write mode (loop thread only)
    private ByteArrayOutputStream fragments; // a fragmented text message being joined (loop thread only)
    private final ArrayDeque<ByteBuffer> outbox = new ArrayDeque<>(); // guarded by this

    WsChannel(WsLoop loop, WsListener listener, URI uri, InetSocketAddress local, long deadlineNanos) {
        this.loop = loop;
        this.listener = listener;
        this.uri = uri;
        this.local = local;
        this.deadlineNanos = deadlineNanos;
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        this.secKey = Base64.getEncoder().encodeToString(nonce);
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    // ---- sending (any thread) ----

    public void sendText(String text) {
        send(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a close frame; the server answers with its own and closes, which ends the channel. */
    public void close(int code) {
        if (state != State.OPEN) {
            abort();
            return;
        }
        closeSent = true;
        send(0x8, new byte[] {(byte) (code >> 8), (byte) code});
    }

    /** Drops the socket without a close handshake. */
    public void abort() {
        loop.execute(() -> closed(1006));
    }

    void send(int opcode, byte[] payload) {
        if (state != State.OPEN && state != State.HANDSHAKE) {
            return;
        }
        write(encodeFrame(opcode, payload));
    }

    /** A masked client frame. */
    static ByteBuffer encodeFrame(int opcode, byte[] payload) {
        int len = payload.length;
        int header = len < 126 ? 2 : len < 65_536 ? 4 : 10;
        ByteBuffer b = ByteBuffer.allocate(header + 4 + len);
        b.put((byte) (0x80 | opcode));
        if (len < 126) {
            b.put((byte) (0x80 | len));
        } else if (len < 65_536) {
            b.put((byte) (0x80 | 126)).putShort((short) len);
        } else {
            b.put((byte) (0x80 | 127)).putLong(len);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        b.putInt(mask);
        byte[] m = {(byte) (mask >> 24), (byte) (mask >> 16), (byte) (mask >> 8), (byte) mask};
        for (int i = 0; i < len; i++) {
            b.put((byte) (payload[i] ^ m[i & 3]));
        }
        return b.flip();
    }

    private void write(ByteBuffer data) {
        boolean needLoop = false;
        synchronized (this) {
            if (outbox.isEmpty()) {
                try {
                    socket.write(data);
                } catch (IOException e) {
                    loop.execute(() -> closed(1006));
                    return;
                }
                if (!data.hasRemaining()) {
                    return;
                }
            }
            outbox.add(data);
            needLoop = outbox.size() == 1;
        }
        if (needLoop) {
            loop.execute(this::wantWrite);
        }
    }

    private void wantWrite() {
        if (key != null && key.isValid()) {
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
    }

    // ---- loop thread ----

    void onConnectable() throws IOException {
        if (!socket.finishConnect()) {
            return;
        }
        state = State.HANDSHAKE;
        key.interestOps(SelectionKey.OP_READ);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + port(uri) + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + secKey + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
    }

    void onWritable() throws IOException {
        synchronized (this) {
            while (!outbox.isEmpty()) {
                ByteBuffer b = outbox.peek();
                socket.write(b);
                if (b.hasRemaining()) {
                    return;
                }
                outbox.poll();
            }
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    void onReadable(ByteBuffer shared) throws IOException {
        ByteBuffer in;
        if (pending != null) {
            in = pending;
        } else {
            in = shared;
            in.clear();
        }
        int n = socket.read(in);
        if (n < 0) {
            closed(1006);
            return;
        }
        in.flip();
        int needed = state == State.HANDSHAKE ? readHandshake(in) : 0;
        if (state == State.OPEN) {
            needed = readFrames(in);
        }
        if (state == State.CLOSED) {
            pending = null;
            return;
        }
        if (!in.hasRemaining()) {
            pending = null;
        } else if (in != shared && in.capacity() >= needed) {
            in.compact();
        } else {
            ByteBuffer keep = ByteBuffer.allocate(Math.max(needed, Math.max(4096, in.remaining() * 2)));
            keep.put(in);
            pending = keep;
        }
    }

    /** Consumes the 101 answer if complete; returns the bytes needed to continue. */
    private int readHandshake(ByteBuffer in) {
        int end = indexOfHeaderEnd(in);
        if (end < 0) {
            if (in.remaining() > 16_384) {
                closed(-1);
            }
            return in.remaining() + 1024;
        }
        byte[] head = new byte[end - in.position()];
        in.get(head);
        in.position(end + 4);
        String response = new String(head, StandardCharsets.ISO_8859_1);
        String expected = accept(secKey);
        if (!response.startsWith("HTTP/1.1 101") || !response.toLowerCase(Locale.ROOT).contains(expected.toLowerCase(Locale.ROOT))) {
            closed(-1);
            return 0;
        }
        state = State.OPEN;
        listener.onOpen(this);
        return 0;
    }

    /** Consumes every complete frame; returns the bytes the next (incomplete) frame needs in total. */
    private int readFrames(ByteBuffer in) {
        while (state == State.OPEN) {
            int start = in.position();
            int available = in.remaining();
            if (available < 2) {
                return 2;
            }
            int b0 = in.get(start) & 0xFF;
            int b1 = in.get(start + 1) & 0xFF;
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            boolean masked = (b1 & 0x80) != 0;
            long len = b1 & 0x7F;
            int header = 2;
            if (len == 126) {
                if (available < 4) {
                    return 4;
                }
                len = in.getShort(start + 2) & 0xFFFF;
                header = 4;
            } else if (len == 127) {
                if (available < 10) {
                    return 10;
                }
                len = in.getLong(start + 2);
                header = 10;
            }
            if (masked) {
                header += 4;
            }
            if (len > 64L * 1024 * 1024) {
                closed(1009);
                return 0;
            }
            long total = header + len;
            if (available < total) {
                return (int) total;
            }
            byte[] payload = new byte[(int) len];
            in.position(start + header);
            in.get(payload);
            if (masked) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= in.get(start + header - 4 + (i & 3));
                }
            }
            onFrame(fin, opcode, payload);
        }
        return 0;
    }

    private void onFrame(boolean fin, int opcode, byte[] payload) {
        switch (opcode) {
            case 0x0 -> {
                if (fragments == null) {
                    return;
                }
                fragments.writeBytes(payload);
                if (fin) {
                    String text = fragments.toString(StandardCharsets.UTF_8);
                    fragments = null;
                    listener.onText(this, text);
                }
            }
            case 0x1 -> {
                if (fin) {
                    listener.onText(this, new String(payload, StandardCharsets.UTF_8));
                } else {
                    fragments = new ByteArrayOutputStream(payload.length * 2);
                    fragments.writeBytes(payload);
                }
            }
            case 0x8 -> {
                int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                if (!closeSent) { // echo the server's close once, as RFC 6455 asks
                    closeSent = true;
                    send(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                }
                closed(code);
            }
            case 0x9 -> send(0xA, payload);
            default -> {
                // pong, binary: not used by these servers
            }
        }
    }

    /** Ends the channel once, telling the listener. */
    void closed(int code) {
        if (state == State.CLOSED) {
            return;
        }
        boolean opened = state == State.OPEN;
        state = State.CLOSED;
        loop.forget(this);
        try {
            if (key != null) {
                key.cancel();
            }
            if (socket != null) {
                socket.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        listener.onClosed(this, opened ? code : -1);
    }

    private static int indexOfHeaderEnd(ByteBuffer b) {
        for (int i = b.position(); i + 3 < b.limit(); i++) {
            if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int port(URI uri) {
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        return "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
