package com.ims.loadgen.ws;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * A deliberately small RFC 6455 server for tests: a thread per connection (fine for a handful), unmasked text frames
 * out, masked frames in. It lets a test script exactly what a server says and read exactly what the client answered.
 */
final class TinyWsServer implements AutoCloseable {

    private final ServerSocket server;
    private final List<Peer> peers = new CopyOnWriteArrayList<>();
    private final Consumer<Peer> onConnect;

    TinyWsServer(Consumer<Peer> onConnect) throws IOException {
        this.onConnect = onConnect;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tiny-ws-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    List<Peer> peers() {
        return peers;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "tiny-ws-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            String request = readHead(in);
            String target = request.substring(4, request.indexOf(' ', 4));
            String key = null;
            for (String line : request.split("\r\n")) {
                if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + WsChannel.accept(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Peer peer = new Peer(s, target);
            peers.add(peer);
            onConnect.accept(peer);
            peer.readLoop(new DataInputStream(in));
        } catch (IOException | RuntimeException e) {
            // connection over
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("eof in handshake");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Peer p : peers) {
            p.drop();
        }
    }

    /** One accepted client. */
    static final class Peer {
        final String target;
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final Socket socket;

        Peer(Socket socket, String target) {
            this.socket = socket;
            this.target = target;
        }

        synchronized void send(String text) {
            byte[] p = text.getBytes(StandardCharsets.UTF_8);
            try {
                OutputStream out = socket.getOutputStream();
                out.write(0x81);
                if (p.length < 126) {
                    out.write(p.length);
                } else {
                    out.write(126);
                    out.write(p.length >> 8);
                    out.write(p.length & 0xFF);
                }
                out.write(p);
                out.flush();
            } catch (IOException e) {
                // peer gone
            }
        }

        /** Sends a text message split into two fragments, to exercise continuation frames. */
        synchronized void sendFragmented(String text) throws IOException {
            byte[] p = text.getBytes(StandardCharsets.UTF_8);
            int half = p.length / 2;
            OutputStream out = socket.getOutputStream();
            out.write(0x01);
            out.write(half);
            out.write(p, 0, half);
            out.write(0x80);
            out.write(p.length - half);
            out.write(p, half, p.length - half);
            out.flush();
        }

        void drop() {
            try {
                socket.close();
            } catch (IOException e) {
                // closed
            }
        }

        void readLoop(DataInputStream in) throws IOException {
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                int opcode = b0 & 0x0F;
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = in.readUnsignedShort();
                } else if (len == 127) {
                    len = in.readLong();
                }
                byte[] mask = new byte[4];
                if ((b1 & 0x80) == 0) {
                    throw new IOException("client frame not masked");
                }
                in.readFully(mask);
                byte[] payload = new byte[(int) len];
                in.readFully(payload);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
                if (opcode == 0x1) {
                    received.add(new String(payload, StandardCharsets.UTF_8));
                } else if (opcode == 0x8) {
                    drop();
                    return;
                }
            }
        }
    }
}
