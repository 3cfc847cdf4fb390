package com.ims.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.ims.protocol.CloseCodes;

/**
 * Which queued frames a close lets through. The writer here runs only when the test says so, which is the race a busy
 * machine produces: the socket's thread decides the close before a writer thread got to the queue.
 */
class ConnectionCloseTest {

    private final TestConnections connections = new TestConnections();
    /** What reached the session, in order: frame texts and "close <code>". */
    private final List<String> wire = connections.wire;

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
        connections.runWriters();
    }

    private Connection connection() {
        return connection(ConnectionHooks.NONE);
    }

    private Connection connection(ConnectionHooks hooks) {
        return connections.connection(hooks, 0, 1000);
    }
}
