package com.ims.gateway.netty;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;

import com.ims.gateway.auth.AuthResult;
import com.ims.gateway.auth.TokenQueryMaskingFilter;
import com.ims.gateway.config.WebSocketConfig;
import com.ims.gateway.session.Connection;
import com.ims.protocol.CloseCodes;

/**
 * An HTTP connection to the Netty server before any upgrade: a {@code GET /ws} upgrade is checked (Origin: 403; not an
 * upgrade: 400), its token verified off the event loop, and the channel becomes a WebSocket ({@link WsFrameHandler});
 * every other request is relayed to the servlet container ({@link HttpRelay}). A refused token still gets the upgrade
 * and then close code 4001, as on Tomcat, because a browser cannot read an HTTP error on a WebSocket handshake.
 *
 * @implNote The token never leaves this class: it is taken from the header or query here and handed to the verifier
 *     only. Nothing in the Netty pipeline logs requests.
 */
final class FrontHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(FrontHandler.class);
    /** The HTTP stage's read timeout handler (NettyServer adds it, the upgrade removes it). */
    static final String HTTP_TIMEOUT = "http-timeout";

    private final NettyEdge edge;
    /** Non-null once a request was relayed: the keep-alive connection's requests go on through it. */
    private HttpRelay relay;
    /** True while the parts of a relayed request are arriving. */
    private boolean relaying;
    /** True from a /ws request on: the channel becomes a WebSocket or is closed; nothing else is read as HTTP. */
    private boolean upgrading;
    /** True once a response that closes the connection was sent. */
    private boolean refused;

    FrontHandler(NettyEdge edge) {
        this.edge = edge;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgrading || refused) {
            // Whatever follows a /ws request (its empty last part, anything a client sends before the 101) or a refusal.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject part && part.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
            return;
        }
        if (msg instanceof HttpRequest request && isWebSocketPath(request.uri()) && (relay == null || relay.idle())) {
            ReferenceCountUtil.release(msg);
            if (relay != null) {
                // A keep-alive connection that relayed requests before (the JDK's HttpClient reuses one for its
                // WebSocket handshake), all answered: the relay lets go of its container connection.
                relay.detach();
                relay = null;
            }
            upgrading = true;
            upgrade(ctx, request);
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (isWebSocketPath(request.uri())) {
                // A /ws request pipelined behind relayed requests still unanswered: its answer must follow theirs, so
                // the container gives it, to the request without its token and without the upgrade: 400.
                request.setUri(WebSocketConfig.PATH);
                request.headers().remove(HttpHeaderNames.AUTHORIZATION);
            }
            if (request.headers().contains(HttpHeaderNames.UPGRADE)) {
                // Nothing behind the relay may switch protocols (the container's own /ws mapping is reachable by paths
                // this class does not take for /ws: a ";param", an escape, an absolute URI; a relayed upgrade would
                // only break): it answers the request as a plain one, and the connection closes after it.
                request.headers().remove(HttpHeaderNames.UPGRADE).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            relaying = true;
        }
        if (relaying && msg instanceof HttpObject) {
            if (relay == null) {
                relay = new HttpRelay(ctx.channel(), edge);
            }
            relay.forward((HttpObject) msg);
            if (msg instanceof LastHttpContent) {
                relaying = false;
            }
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (relay != null) {
            relay.frontWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (relay != null) {
            relay.close();
        }
        ctx.fireChannelInactive();
    }

    /** The HTTP stage's idle timeout (HTTP_TIMEOUT): nothing read or written for that long closes the connection. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            log.debug("http connection idle, closing remote={}", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("http connection error remote={} error={}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    static boolean isWebSocketPath(String uri) {
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        return path.equals(WebSocketConfig.PATH);
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.method() != HttpMethod.GET
                || !request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                || !request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "Can \"Upgrade\" only to \"WebSocket\".");
            return;
        }
        if (!edge.origins().allows(request.headers().get(HttpHeaderNames.ORIGIN),
                request.headers().get(HttpHeaderNames.HOST), edge.tls())) {
            refuse(ctx, HttpResponseStatus.FORBIDDEN, "");
            return;
        }
        String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!"13".equals(version)) {
            refused = true;
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String token = TokenQueryMaskingFilter.token(request.headers().get(HttpHeaderNames.AUTHORIZATION),
                rawQuery(request.uri()));
        // The handshake request, without the token's header, is all the upgrade needs (its key and version).
        FullHttpRequest handshake = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
                WebSocketConfig.PATH, Unpooled.EMPTY_BUFFER, request.headers().copy().remove(HttpHeaderNames.AUTHORIZATION),
                EmptyHttpHeaders.INSTANCE);
        ctx.channel().config().setAutoRead(false);
        try {
            edge.verifiers().execute(() -> {
                AuthResult auth = edge.authenticator().authenticate(token);
                ctx.executor().execute(() -> accept(ctx, handshake, auth));
            });
        } catch (RejectedExecutionException busy) {
            refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "too many handshakes; retry");
        }
    }

    private void accept(ChannelHandlerContext ctx, FullHttpRequest request, AuthResult auth) {
        if (!ctx.channel().isActive()) {
            return;
        }
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshaker13(edge.url(), null, edge.decoderConfig());
        ChannelFuture handshake;
        try {
            handshake = handshaker.handshake(ctx.channel(), request);
        } catch (RuntimeException e) {
            // The handshaker throws (rather than fails the future) on a request it cannot answer.
            log.debug("upgrade refused remote={} error={}", ctx.channel().remoteAddress(), e.toString());
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "bad WebSocket handshake");
            return;
        }
        handshake.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                log.debug("upgrade failed remote={} error={}", ctx.channel().remoteAddress(), String.valueOf(done.cause()));
                ctx.close();
                return;
            }
            upgraded(ctx, auth);
        });
    }

    private void upgraded(ChannelHandlerContext ctx, AuthResult auth) {
        NettySocket socket = new NettySocket(ctx.channel(), edge.closeWaitMillis());
        if (!(auth instanceof AuthResult.Authenticated authenticated)) {
            edge.events().refused(((AuthResult.Refused) auth).reason(), ctx.channel().remoteAddress());
            closeWith(socket, CloseCodes.UNAUTHORIZED);
            return;
        }
        Connection connection = edge.events().opened(authenticated.principal(),
                principal -> edge.factory().create(principal, socket, System.currentTimeMillis()));
        if (connection == null) {
            closeWith(socket, CloseCodes.SERVICE_RESTART);
            return;
        }
        if (ctx.pipeline().get(HTTP_TIMEOUT) != null) {
            ctx.pipeline().remove(HTTP_TIMEOUT);
        }
        WsFrameHandler frames = new WsFrameHandler(edge.events(), connection, socket, edge.maxFrameBytes());
        ctx.pipeline().addLast("ws-aggregator", new WebSocketFrameAggregator(edge.maxFrameBytes()));
        ctx.pipeline().addLast("ws-frames", frames);
        ctx.pipeline().remove(this);
        // Exactly once, also when the channel closed during the upgrade (the listener then runs at once).
        ctx.channel().closeFuture().addListener(closed -> edge.events().closed(connection, frames.closeCode()));
        ctx.channel().config().setAutoRead(true);
    }

    private static void closeWith(NettySocket socket, CloseCodes code) {
        socket.close(new CloseStatus(code.code(), code.reason()));
    }

    private static String rawQuery(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? null : uri.substring(query + 1);
    }

    /** Answers {@code status} and closes the connection; nothing read after it is handled. */
    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
        refused = true;
        ctx.channel().config().setAutoRead(true);
        answerAndClose(ctx.channel(), status, body);
    }

    /** Answers {@code status} with a text {@code body} and closes the connection once the answer is written. */
    static void answerAndClose(Channel channel, HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain;charset=UTF-8");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
