package com.ims.gateway.session;

import static com.ims.gateway.session.TestConnections.frame;
import static com.ims.gateway.session.TestConnections.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.ims.protocol.CloseCodes;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;

/**
 * A socket whose own buffer fills (a Netty channel above its high water mark): the drain stops without losing or
 * reordering anything, the frames wait in the bounded queue, and the channel's writability event starts it again.
 */
class ConnectionBackpressureTest {

    private final TestConnections connections = new TestConnections();

    @Test
    void aFullSocketStopsTheDrainUntilItIsWritableAgainThenEverythingFollowsInOrder() {
        Connection connection = live();
        connections.writesUntilFull = 2;
        for (int i = 1; i <= 4; i++) {
            connection.send(frame("m" + i));
        }
        connections.runWriters();
        assertThat(connections.wire).as("stopped once the socket was full").containsExactly(text("m1"), text("m2"));
        assertThat(connection.queuedFrames()).isEqualTo(2);

        connection.send(frame("m5"));
        assertThat(connections.pendingWriterTasks()).as("the stopped drain still owns the socket").isZero();

        connections.writable = true;
        connection.resumeWrites();
        connections.runWriters();
        assertThat(connections.wire).containsExactly(text("m1"), text("m2"), text("m3"), text("m4"), text("m5"));
        assertThat(connection.queuedFrames()).isZero();
    }

    @Test
    void aWritabilityEventWithoutAStoppedDrainStartsNothing() {
        Connection connection = live();
        connection.resumeWrites();
        assertThat(connections.pendingWriterTasks()).isZero();
        connection.send(frame("m1"));
        connections.runWriters();
        connection.resumeWrites();
        assertThat(connections.pendingWriterTasks()).isZero();
        assertThat(connections.wire).containsExactly(text("m1"));
    }

    @Test
    void aCloseAfterTheQueuedFramesWaitsForTheSocketToTakeThem() {
        Connection connection = live();
        connections.writesUntilFull = 1;
        connection.send(frame("e1"));
        connection.send(frame("e2"));
        connection.closeAfterQueued(CloseCodes.RATE_LIMITED);
        connections.runWriters();
        assertThat(connections.wire).containsExactly(text("e1"));

        connections.writable = true;
        connection.resumeWrites();
        connections.runWriters();
        assertThat(connections.wire).containsExactly(text("e1"), text("e2"), "close " + CloseCodes.RATE_LIMITED.code());
    }

    @Test
    void aSocketThatTakesNothingForTheSendTimeoutIsClosedEvenWithACloseWaitingBehindItsFrames() {
        Connection connection = live();
        connections.writesUntilFull = 1;
        connection.send(frame("e1"));
        connection.send(frame("e2"));
        connection.closeAfterQueued(CloseCodes.RATE_LIMITED);
        connections.runWriters();
        assertThat(connections.stallDeadline).as("a deadline while the drain is stopped").isNotNull();

        connections.stallDeadline.run();
        connections.runWriters();
        assertThat(connection.isClosed()).isTrue();
        assertThat(connections.wire).containsExactly(text("e1"), "close " + CloseStatus.SESSION_NOT_RELIABLE.getCode());
        connection.resumeWrites();
        connections.runWriters();
        assertThat(connections.wire).as("nothing after the close").hasSize(2);
    }

    @Test
    void aResumedDrainCancelsItsDeadline() {
        Connection connection = live();
        connections.writesUntilFull = 1;
        connection.send(frame("m1"));
        connection.send(frame("m2"));
        connections.runWriters();
        Runnable deadline = connections.stallDeadline;
        assertThat(deadline).isNotNull();
        connections.writable = true;
        connection.resumeWrites();
        assertThat(connections.stallDeadline).isNull();
        connections.runWriters();
        deadline.run();
        assertThat(connection.isClosed()).as("a deadline that fires late finds nothing stopped").isFalse();
        assertThat(connections.wire).containsExactly(text("m1"), text("m2"));
    }

    @Test
    void aSocketThatStaysFullFillsTheQueueAndTheConnectionIsClosedAsTooSlow() {
        Connection connection = live();
        connections.writesUntilFull = 1;
        connection.send(frame("m0"));
        connections.runWriters();
        for (int i = 1; i <= 10; i++) {
            assertThat(connection.send(frame("m" + i))).isTrue();
        }
        assertThat(connection.send(frame("m11"))).as("the queue holds 10 frames").isFalse();
        connections.runWriters();
        assertThat(connection.isClosed()).isTrue();
        assertThat(connections.wire).containsExactly(text("m0"), "close " + CloseCodes.TOO_SLOW.code());
    }

    /** A connection past its sync: what is sent is written at once. */
    private Connection live() {
        Connection connection = connections.connection(ConnectionHooks.NONE, System.currentTimeMillis(), 60_000);
        connection.replayDone();
        return connection;
    }
}
