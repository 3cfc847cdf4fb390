package com.ims.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

import com.ims.gateway.inbound.FrameAssembler;
import com.ims.gateway.inbound.InboundLimiter;
import com.ims.protocol.CloseCodes;
import com.ims.support.auth.Principal;

/**
 * Which queued frames a close lets through. The writer here runs only when the test says so, which is the race a busy
 * machine produces: the socket's thread decides the close before a writer thread got to the queue.
 */
class ConnectionCloseTest {

    /** What reached the session, in order: frame texts and "close <code>". */
    private final List<String> wire = new CopyOnWriteArrayList<>();
    private final List<Runnable> writerTasks = new ArrayList<>();

    @Test
    void aFloodCloseFollowsTheErrorFramesAlreadyQueued() {
        Connection connection = connection();
        connection.send(OutboundFrame.control("{\"type\":\"error\",\"n\":1}"));
        connection.send(OutboundFrame.control("{\"type\":\"error\",\"n\":2}"));

        connection.closeAfterQueued(CloseCodes.RATE_LIMITED);
        assertThat(connection.send(OutboundFrame.control("{\"type\":\"late\"}"))).as("nothing queued after").isFalse();
        runWriters();

        assertThat(wire).containsExactly("{\"type\":\"error\",\"n\":1}", "{\"type\":\"error\",\"n\":2}", "close 4008");
    }

    @Test
    void aFloodCloseKeepsTheQueuedErrorFramesWhenTheWriterRunsWhileTheCloseIsBeingDecided() {
        // The writer runs inside closeAfterQueued, between "no more frames" and "close after these": the window a
        // writer thread polling at that moment hits.
        Connection connection = connection(new ConnectionHooks() {
            @Override
            public void written(Connection c, OutboundFrame frame) {
            }

            @Override
            public void closing(Connection c, CloseCodes code) {
                runWriters();
            }
        });
        connection.send(OutboundFrame.control("{\"type\":\"error\",\"n\":1}"));
        connection.send(OutboundFrame.control("{\"type\":\"error\",\"n\":2}"));

        connection.closeAfterQueued(CloseCodes.RATE_LIMITED);
        runWriters();

        assertThat(wire).containsExactly("{\"type\":\"error\",\"n\":1}", "{\"type\":\"error\",\"n\":2}", "close 4008");
    }

    @Test
    void aCloseAfterQueuedOnAnIdleConnectionClosesAtOnce() {
        Connection connection = connection();
        connection.closeAfterQueued(CloseCodes.RATE_LIMITED);
        runWriters();
        assertThat(wire).containsExactly("close 4008");
        assertThat(connection.isClosed()).isTrue();
    }

    @Test
    void anOrdinaryCloseDropsWhatIsQueued() {
        Connection connection = connection();
        connection.send(OutboundFrame.control("{\"type\":\"notification\"}"));
        connection.close(CloseCodes.TOO_SLOW);
        runWriters();
        assertThat(wire).containsExactly("close 4010");
    }

    @Test
    void presenceEventsComeInPairsWhicheverThreadClosesTheConnection() {
        List<String> events = new ArrayList<>();
        Connection announcedFirst = connection();
        announcedFirst.announce(() -> events.add("CONNECTED"));
        announcedFirst.closedAfterAnnounce(() -> events.add("DISCONNECTED"));
        announcedFirst.closedAfterAnnounce(() -> events.add("DISCONNECTED again"));
        assertThat(events).containsExactly("CONNECTED", "DISCONNECTED");

        // Closed (an operator, the per-user cap) before its handshake announced it: neither event, in either order.
        events.clear();
        Connection closedFirst = connection();
        closedFirst.close(CloseCodes.REPLACED);
        closedFirst.closedAfterAnnounce(() -> events.add("DISCONNECTED"));
        closedFirst.announce(() -> events.add("CONNECTED"));
        assertThat(events).isEmpty();
    }

    private void runWriters() {
        while (!writerTasks.isEmpty()) {
            writerTasks.removeFirst().run();
        }
    }

    private Connection connection() {
        return connection(ConnectionHooks.NONE);
    }

    private Connection connection(ConnectionHooks hooks) {
        Principal principal = new Principal("u1", "t1", List.of(), Set.of(), Long.MAX_VALUE);
        return new Connection("c1", principal, session(), 0, 1000, 1000, 10, new OutboundQueue(10, 10_000),
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
