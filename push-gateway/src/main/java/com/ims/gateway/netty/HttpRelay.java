package com.ims.gateway.netty;

import java.net.InetAddress;
import java.util.ArrayDeque;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays the HTTP requests of one front connection (admin API, actuator, demo page: everything but {@code /ws}) to the
 * servlet container on its loopback port, over one backend connection opened on the first request and kept as long as
 * the front one, and relays the responses back as they come. Each request carries the {@link FrontPeer} header, so
 * the container sees the client's address and scheme, not the relay's. Each direction reads only as fast as the other
 * side takes what it wrote (autoRead off while the receiving channel is above its high water mark).
 */
final class HttpRelay {

    private static final Logger log = LoggerFactory.getLogger(HttpRelay.class);

    private final Channel front;
    private final NettyEdge edge;
    /** Request parts that arrived before the backend connection was up. */
    private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
    private Channel backend;
    private boolean connecting;
    private boolean closed;
    /** Requests relayed whose response has not fully come back. */
    private int outstanding;
    /** True between a 1xx response and its end: the final response of that request is still to come. */
    private boolean interim;
    /** Set when the front connection goes on without the relay (it became a WebSocket): the backend's close is ours. */
    private boolean detached;

    HttpRelay(Channel front, NettyEdge edge) {
        this.front = front;
        this.edge = edge;
    }

    /** Called on the front channel's event loop, as are all of this relay's steps. */
    void forward(HttpObject part) {
        if (part instanceof HttpRequest request) {
            request.headers().set(FrontPeer.HEADER, edge.peer().header(front.remoteAddress(), edge.tls()));
            outstanding++;
        }
        if (backend != null && !backend.isActive()) {
            // The container closed this connection (its close closes the front one too): nothing more goes there.
            ReferenceCountUtil.release(part);
            return;
        }
        if (backend != null) {
            backend.writeAndFlush(part);
            if (!backend.isWritable()) {
                // An upload faster than the container reads it: stop reading the client until it caught up.
                front.config().setAutoRead(false);
            }
            return;
        }
        pending.add(part);
        if (!connecting) {
            connect();
        }
    }

    /** The front connection's buffer crossed a water mark: read responses only as fast as the client takes them. */
    void frontWritabilityChanged() {
        if (backend != null) {
            backend.config().setAutoRead(front.isWritable());
        }
    }

    /** Whether every relayed request has been answered whole. */
    boolean idle() {
        return outstanding == 0 && pending.isEmpty() && !connecting;
    }

    /** The front connection goes on without the relay: its container connection is closed, the front one is not. */
    void detach() {
        detached = true;
        close();
    }

    void close() {
        closed = true;
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
        if (backend != null) {
            backend.close();
        }
    }

    private void connect() {
        connecting = true;
        front.config().setAutoRead(false);
        new Bootstrap().group(front.eventLoop()).channel(edge.transport().clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new HttpClientCodec(), new Responses());
                    }
                })
                .connect(InetAddress.getLoopbackAddress(), edge.backendPort())
                .addListener((ChannelFutureListener) connected -> {
                    connecting = false;
                    if (!connected.isSuccess()) {
                        log.warn("relay to the servlet container failed port={} error={}", edge.backendPort(),
                                String.valueOf(connected.cause()));
                        pending.forEach(ReferenceCountUtil::release);
                        pending.clear();
                        FrontHandler.answerAndClose(front, HttpResponseStatus.BAD_GATEWAY, "");
                        return;
                    }
                    backend = connected.channel();
                    if (closed) {
                        backend.close();
                        return;
                    }
                    while (!pending.isEmpty()) {
                        backend.write(pending.poll());
                    }
                    backend.flush();
                    front.config().setAutoRead(true);
                });
    }

    /** The container's responses, part by part, to the front connection; its close closes the front one. */
    private final class Responses extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse response) {
                // A 1xx (100 Continue) is followed by the final response of the same request.
                interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            }
            if (msg instanceof LastHttpContent) {
                if (interim) {
                    interim = false;
                } else {
                    outstanding--;
                }
            }
            if (front.isActive() && !detached) {
                front.writeAndFlush(msg);
                if (!front.isWritable()) {
                    ctx.channel().config().setAutoRead(false);
                }
            } else {
                ReferenceCountUtil.release(msg);
                ctx.close();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!connecting && !detached && ctx.channel().isWritable()) {
                front.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (backend == ctx.channel()) {
                backend = null;
            }
            if (front.isActive() && !detached) {
                front.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("relay error error={}", cause.toString());
            ctx.close();
        }
    }
}
