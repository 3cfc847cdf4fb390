package com.ims.gateway.session;

import static com.ims.gateway.session.TestConnections.frame;
import static com.ims.gateway.session.TestConnections.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.ims.protocol.CloseCodes;
import com.ims.protocol.internal.ReplayPage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A connection's side of paged replay: when it asks for the next page, and how the pages meet the held live deliveries. */
class ConnectionReplayPageTest {

    private static final long SYNC_TIMEOUT = 60_000;
    private final TestConnections connections = new TestConnections();
    private final List<ReplayPage> asked = new ArrayList<>();
    /** Asks are also marked on the wire, to see them in order with the writes. */
    private final ConnectionHooks hooks = new ConnectionHooks() {
        @Override
        public void written(Connection c, OutboundFrame frame) {
        }

        @Override
        public void closing(Connection c, CloseCodes code) {
        }

        @Override
        public void replayNext(Connection c, ReplayPage page) {
            asked.add(page);
            connections.wire.add("ask " + page.afterSeq());
        }
    };
    private final ReplayPage next = ReplayPage.first(2, 10_000).next(7, 2);

    @Test
    void theNextPageIsAskedForOnlyOnceThePageBeforeItIsWritten() {
        Connection connection = connections.connection(hooks, System.currentTimeMillis(), SYNC_TIMEOUT);
        connection.deliverReplay(frame("r1"));
        connection.deliverReplay(frame("r2"));
        connection.replayMore(next);
        assertThat(asked).as("nothing written yet").isEmpty();

        connections.runWriters();

        assertThat(connections.wire).containsExactly(text("r1"), text("r2"), "ask 7");
        assertThat(asked).containsExactly(next);
    }

    @Test
    void liveDeliveriesHeldDuringThePagesFollowTheLastPageOnce() {
        Connection connection = connections.connection(hooks, System.currentTimeMillis(), SYNC_TIMEOUT);
        connection.deliverLive(frame("live-1"));
        connection.deliverLive(frame("r2"));
        connection.deliverReplay(frame("r1"));
        connection.replayMore(next);
        connections.runWriters();
        connection.deliverReplay(frame("r2"));
        connection.replayDone();
        connections.runWriters();

        assertThat(connections.wire).containsExactly(text("r1"), "ask 7", text("r2"), text("live-1"));
    }

    @Test
    void copiesOfReplayedOrHeldMessagesResentDuringTheSyncAreNotHeldAgain() {
        // The sweeper resends what a slow client has not acked within redelivery-after: during a long paged replay,
        // the pages it is still reading. The hold (10 here) must not fill with them.
        Connection connection = connections.connection(hooks, System.currentTimeMillis(), SYNC_TIMEOUT);
        connection.deliverReplay(frame("r1"));
        connection.deliverLive(frame("live-1"));
        for (int i = 0; i < 20; i++) {
            connection.deliverLive(frame("r1"));
            connection.deliverLive(frame("live-1"));
        }
        connection.replayDone();
        connections.runWriters();

        assertThat(connection.isClosed()).as("not closed as too slow").isFalse();
        assertThat(connections.wire).containsExactly(text("r1"), text("live-1"));
    }

    @Test
    void aRepeatedPageIsDroppedAndItsRepeatedEndStartsNoSecondChain() {
        // notification-service handled the connect twice (its batch was retried): page 1 and its REPLAY_MORE come again.
        Connection connection = connections.connection(hooks, System.currentTimeMillis(), SYNC_TIMEOUT);
        connection.deliverReplay(frame("r1"));
        connection.replayMore(next);
        connection.deliverReplay(frame("r1"));
        connection.replayMore(next);
        connections.runWriters();

        assertThat(connections.wire).containsExactly(text("r1"), "ask 7");
        assertThat(asked).containsExactly(next);
    }

    @Test
    void aSyncTimeoutWhileAPageRequestIsUnansweredAsksOnceMore() {
        Connection connection = firstPageWritten();
        assertThat(asked).containsExactly(next);

        // No answer (the request or the page was lost): the sync ends, and the same page is asked for again, once.
        long later = System.currentTimeMillis() + 2 * SYNC_TIMEOUT;
        assertThat(connection.syncTimedOut(System.currentTimeMillis())).as("still within the wait").isFalse();
        assertThat(connection.syncTimedOut(later)).isTrue();
        assertThat(connection.syncTimedOut(later)).isFalse();
        assertThat(asked).containsExactly(next, next);
        assertThat(connection.state()).isEqualTo(ConnectionState.LIVE);
    }

    @Test
    void anAnsweredRequestIsNotAskedAgainWhenTheSyncTimesOut() {
        Connection connection = firstPageWritten();
        connection.deliverReplay(frame("r2"));
        connection.replayMore(next.next(9, 1));
        assertThat(connection.syncTimedOut(System.currentTimeMillis() + 2 * SYNC_TIMEOUT))
                .as("a page pending: the client is still reading, the sync stays").isFalse();
        assertThat(asked).as("the pending page goes when the queue is written, not twice").containsExactly(next);
        connections.runWriters();
        assertThat(asked).containsExactly(next, next.next(9, 1));
    }

    @Test
    void aPageBeingWrittenKeepsTheSyncAndAskingForTheNextRestartsItsWait() {
        long start = System.currentTimeMillis();
        Connection connection = connections.connection(hooks, start, SYNC_TIMEOUT);
        connection.deliverReplay(frame("r1"));
        connection.replayMore(next);
        assertThat(connection.syncExpired(start + 10 * SYNC_TIMEOUT)).as("the client is still reading the page").isFalse();

        connections.runWriters();
        long asking = System.currentTimeMillis();
        assertThat(connection.syncExpired(asking + SYNC_TIMEOUT / 2)).as("waiting for the next page, afresh").isFalse();
        assertThat(connection.syncExpired(asking + 2 * SYNC_TIMEOUT)).isTrue();
    }

    @Test
    void aReplayThatOutlastedTheSyncStillAsksForTheRest() {
        Connection connection = connections.connection(hooks, System.currentTimeMillis(), SYNC_TIMEOUT);
        assertThat(connection.syncTimedOut(System.currentTimeMillis() + 2 * SYNC_TIMEOUT)).isTrue();
        connection.replayMore(next);
        connections.runWriters();
        assertThat(asked).containsExactly(next);
        assertThat(connection.state()).isEqualTo(ConnectionState.LIVE);
    }

    @Test
    void aClosedConnectionAsksForNothing() {
        Connection connection = connections.connection(hooks, System.currentTimeMillis(), SYNC_TIMEOUT);
        connection.deliverReplay(frame("r1"));
        connection.close(CloseCodes.TOO_SLOW);
        connection.replayMore(next);
        connections.runWriters();
        assertThat(asked).isEmpty();
    }

    /** A syncing connection that got page 1 (r1), then REPLAY_MORE, and wrote it: {@code next} is asked for. */
    private Connection firstPageWritten() {
        Connection connection = connections.connection(hooks, System.currentTimeMillis(), SYNC_TIMEOUT);
        connection.deliverReplay(frame("r1"));
        connection.replayMore(next);
        connections.runWriters();
        return connection;
    }
}
