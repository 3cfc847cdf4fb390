package com.ims.gateway.session;

import com.ims.gateway.inbound.FrameAssembler;
import com.ims.gateway.inbound.InboundLimiter;
import com.ims.support.auth.Principal;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * Connections over a recording session whose writers run only when the test says so ({@link #runWriters}): the order in
 * which a busy machine's threads may interleave, made deterministic.
 */
final class TestConnections {

    /** What reached the session, in order: frame texts and "close <code>"; tests may add their own markers. */
    final List<String> wire = new CopyOnWriteArrayList<>();
    private final List<Runnable> writerTasks = new ArrayList<>();

    void runWriters() {
        while (!writerTasks.isEmpty()) {
            writerTasks.removeFirst().run();
        }
    }

    /** A syncing connection made at {@code now}: queue of 10 frames, sync timeout {@code syncTimeout} ms. */
    Connection connection(ConnectionHooks hooks, long now, long syncTimeout) {
        Principal principal = new Principal("u1", "t1", List.of(), Set.of(), Long.MAX_VALUE);
        return new Connection("c1", principal, session(), now, 1000, syncTimeout, 10, new OutboundQueue(10, 10_000),
                writerTasks::add, writerTasks::add, hooks,
                InboundLimiter.create("c1", InboundLimiter.sharedConfig(10), 3, Duration.ofSeconds(5)),
                new FrameAssembler(1000));
    }

    /** A session that records what is sent and how it is closed; it is not a Tomcat session, so the standard API is used. */
    private WebSocketSession session() {
        return (WebSocketSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WebSocketSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "sendMessage" -> {
                        wire.add(((TextMessage) args[0]).getPayload());
                        yield null;
                    }
                    case "close" -> {
                        wire.add("close " + ((CloseStatus) args[0]).getCode());
                        yield null;
                    }
                    case "isOpen" -> true;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "test session";
                    default -> null;
                });
    }
}
