package com.ims.gateway.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The gateway's port on Netty (IMS_WS_SERVER=netty): {@code /ws} served here, everything else relayed to the servlet
 * container ({@link FrontHandler}). Started once the container runs (its port is the relay's target) and stopped after
 * the gateway's drain, so clients get their 1012 through it.
 *
 * @implNote Sockets are spread over a few event loops (one per core by default); a socket's reads, writes and closes
 *     all run on its loop, so nothing hands a read from one thread to another and nothing blocks a loop: token
 *     verification runs on {@code verifiers}, Kafka sends on the outbox thread.
 */
public final class NettyServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NettyServer.class);
    /** A socket's channel buffer limits: the drain stops above the high mark, resumes below the low one. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    static final int MAX_INITIAL_LINE = 8192;
    static final int MAX_HEADERS = 16 * 1024;

    private final NettyEdge edge;
    private final InetAddress address;
    private final int requestedPort;
    private final int eventLoops;
    private final int maxConnections;
    private final Duration httpIdleTimeout;
    private final boolean reusePort;
    private final SslContext ssl;
    private final IntConsumer publishPort;
    private final AtomicInteger open = new AtomicInteger();
    private volatile EventLoopGroup acceptor;
    private volatile EventLoopGroup group;
    private volatile Channel server;
    private volatile int port = -1;

    /**
     * @param edge  what every channel shares (the servlet container's port among it, read once it runs)
     * @param httpIdleTimeout how long nothing may move on an HTTP connection (a handshake's token check included)
     *                        before it is closed; the upgrade ends it
     * @param reusePort       bind with SO_REUSEPORT, so that another process can listen on the same port (a handover:
     *                        {@link #stopListening()} then leaves new connections to that one)
     * @param ssl   null for plain ws://
     * @param publishPort told the port once bound ({@code local.server.port}: the port the gateway serves on)
     */
    public NettyServer(NettyEdge edge, InetAddress address, int port, int eventLoops, int maxConnections,
                       Duration httpIdleTimeout, boolean reusePort, SslContext ssl, IntConsumer publishPort) {
        this.edge = edge;
        this.address = address;
        this.requestedPort = port;
        this.eventLoops = eventLoops;
        this.maxConnections = maxConnections;
        if (httpIdleTimeout.toMillis() <= 0) {
            // Netty's idle handler takes zero as "off": an HTTP connection could then be held open forever.
            throw new IllegalArgumentException("ims.ws.http-idle-timeout must be at least 1 ms, was " + httpIdleTimeout);
        }
        this.httpIdleTimeout = httpIdleTimeout;
        this.reusePort = reusePort;
        this.ssl = ssl;
        this.publishPort = publishPort;
    }

    /** The port it listens on; -1 before it started. */
    public int port() {
        return port;
    }

    @Override
    public void start() {
        Transport transport = edge.transport();
        // Accepting on a thread of its own: in a reconnect storm the socket loops are busy with handshakes, and an
        // acceptor sharing them left the kernel's accept queue full, so new connections' SYNs were dropped and their
        // clients waited out a connect timeout (30 s) before their backoff. Accepted, a connection waits in its loop's
        // queue instead, and is upgraded in its turn.
        acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ws-accept", true), transport.handlers());
        group = new MultiThreadIoEventLoopGroup(eventLoops, new DefaultThreadFactory("ws-io", true), transport.handlers());
        ServerBootstrap bootstrap = new ServerBootstrap().group(acceptor, group).channel(transport.serverChannel())
                // the kernel's limit (net.core.somaxconn), not a lower one of ours
                .option(ChannelOption.SO_BACKLOG, NetUtil.SOMAXCONN)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (open.incrementAndGet() > maxConnections) {
                            open.decrementAndGet();
                            channel.close();
                            return;
                        }
                        channel.closeFuture().addListener(closed -> open.decrementAndGet());
                        if (ssl != null) {
                            channel.pipeline().addLast("tls", ssl.newHandler(channel.alloc()));
                        }
                        // Tomcat's connectionTimeout in kind: an HTTP connection on which nothing moves either way
                        // (a handshake that never completes, an idle keep-alive) is closed; the upgrade removes it.
                        channel.pipeline().addLast(FrontHandler.HTTP_TIMEOUT,
                                new IdleStateHandler(0, 0, httpIdleTimeout.toMillis(), TimeUnit.MILLISECONDS));
                        channel.pipeline().addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, 8192));
                        channel.pipeline().addLast("front", new FrontHandler(edge));
                    }
                });
        if (reusePort) {
            // only when asked: a platform without the option would log a failure to set it even to false
            bootstrap.option(transport.reusePort(), true);
        }
        InetSocketAddress bindTo = address == null ? new InetSocketAddress(requestedPort)
                : new InetSocketAddress(address, requestedPort);
        server = bootstrap.bind(bindTo).syncUninterruptibly().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
        publishPort.accept(port);
        log.info("WebSocket server netty ({}) on port {} ({}{}), {} event loops; other requests relayed to the servlet "
                + "container on 127.0.0.1:{}", transport.name(), port, ssl != null ? "wss" : "ws",
                reusePort ? ", SO_REUSEPORT" : "", eventLoops, edge.backendPort());
    }

    /**
     * Closes the listening socket and nothing else: the open connections stay, and with SO_REUSEPORT the kernel gives
     * every new connection to the other processes on the port. Connections that completed their TCP handshake but
     * were not yet accepted are reset (Linux moves them to another listener instead when
     * {@code net.ipv4.tcp_migrate_req} is 1); their clients reconnect as after any refusal.
     */
    public void stopListening() {
        Channel listening = server;
        if (listening != null && listening.isOpen()) {
            listening.close().syncUninterruptibly();
            log.info("stopped listening on port {}: new connections go to the other processes on it", port);
        }
    }

    /** Connections open on the port (HTTP or WebSocket). */
    public int openConnections() {
        return open.get();
    }

    @Override
    public void stop() {
        Channel listening = server;
        if (listening != null) {
            listening.close().syncUninterruptibly();
        }
        EventLoopGroup accepting = acceptor;
        if (accepting != null) {
            accepting.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        EventLoopGroup loops = group;
        if (loops != null) {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        server = null;
        group = null;
        acceptor = null;
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** After the servlet container (its port is needed), before the gateway's own lifecycle, which drains first on stop. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
