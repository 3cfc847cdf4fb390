package com.ims.loadgen.ws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One selector thread driving many {@link WsChannel}s: connects, handshakes, reads and writes. Listener callbacks run
 * here, so they must not block. A fleet runs a few of these (--io-threads), never one per connection.
 */
public final class WsLoop implements AutoCloseable {

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Set<WsChannel> connecting = new HashSet<>(); // loop thread only
    private final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);
    private volatile boolean running = true;

    public WsLoop(String name) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a connection; its outcome arrives through the listener (onOpen, or onClosed with -1). */
    public WsChannel connect(URI uri, InetSocketAddress local, WsListener listener, Duration timeout) {
        WsChannel ch = new WsChannel(this, listener, uri, local, System.nanoTime() + timeout.toNanos());
        execute(() -> open(ch));
        return ch;
    }

    void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    void forget(WsChannel ch) {
        connecting.remove(ch);
    }

    private void open(WsChannel ch) {
        try {
            SocketChannel sc = SocketChannel.open();
            ch.socket = sc;
            sc.configureBlocking(false);
            sc.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (ch.local != null) {
                sc.bind(ch.local);
            }
            InetSocketAddress remote = new InetSocketAddress(ch.uri.getHost(), WsChannel.port(ch.uri));
            // (a bound socket keeps its port exclusively; see Fleet.defaultSources)
            boolean done = sc.connect(remote);
            ch.key = sc.register(selector, done ? 0 : SelectionKey.OP_CONNECT, ch);
            connecting.add(ch);
            if (done) {
                ch.onConnectable();
            }
        } catch (IOException | RuntimeException e) {
            ch.closed(-1);
        }
    }

    private void run() {
        long nextDeadlineCheck = System.nanoTime();
        while (running) {
            try {
                selector.select(250);
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    WsChannel ch = (WsChannel) key.attachment();
                    try {
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isConnectable()) {
                            ch.onConnectable();
                        }
                        if (key.isValid() && key.isWritable()) {
                            ch.onWritable();
                        }
                        if (key.isValid() && key.isReadable()) {
                            boolean wasHandshake = ch.state == WsChannel.State.HANDSHAKE;
                            ch.onReadable(readBuffer);
                            if (wasHandshake && ch.state != WsChannel.State.HANDSHAKE) {
                                connecting.remove(ch);
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        ch.closed(1006);
                    }
                }
                long now = System.nanoTime();
                if (now >= nextDeadlineCheck) {
                    nextDeadlineCheck = now + 250_000_000L;
                    for (WsChannel ch : Set.copyOf(connecting)) {
                        if (ch.state == WsChannel.State.OPEN || ch.state == WsChannel.State.CLOSED) {
                            connecting.remove(ch);
                        } else if (now > ch.deadlineNanos) {
                            ch.closed(-1);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // keep the loop alive: one bad channel must not stop thousands of others
            }
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
            for (SelectionKey key : selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException e) {
                    // shutting down
                }
            }
            selector.close();
        } catch (IOException e) {
            // shutting down
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
