package com.ims.gateway.session;

import com.ims.gateway.inbound.FrameAssembler;
import com.ims.gateway.inbound.InboundLimiter;
import com.ims.support.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.springframework.web.socket.CloseStatus;

/**
 * Connections over a recording socket whose writers run only when the test says so ({@link #runWriters}): the order in
 * which a busy machine's threads may interleave, made deterministic.
 */
final class TestConnections {

    /** What reached the session, in order: frame texts and "close <code>"; tests may add their own markers. */
    final List<String> wire = new CopyOnWriteArrayList<>();
    private final List<Runnable> writerTasks = new ArrayList<>();
    /** What the socket's {@code writable()} answers (a Netty channel above its high water mark answers false). */
    volatile boolean writable = true;
    /** Writes the socket takes before it turns unwritable by itself; negative: no limit. */
    volatile int writesUntilFull = -1;

    /** What a stopped drain asked to run if the socket stays full (null when no deadline is pending). */
    volatile Runnable stallDeadline;

    /** Drains (and closes) queued and not yet run. */
    int pendingWriterTasks() {
        return writerTasks.size();
    }

    void runWriters() {
        while (!writerTasks.isEmpty()) {
            writerTasks.removeFirst().run();
        }
    }

    /** A syncing connection made at {@code now}: queue of 10 frames, sync timeout {@code syncTimeout} ms. */
    Connection connection(ConnectionHooks hooks, long now, long syncTimeout) {
        Principal principal = new Principal("u1", "t1", List.of(), Set.of(), Long.MAX_VALUE);
        return new Connection("c1", principal, socket(), now, 1000, syncTimeout, 10, new OutboundQueue(10, 10_000),
                hooks, InboundLimiter.create("c1", InboundLimiter.sharedConfig(10), 3, Duration.ofSeconds(5)),
                new FrameAssembler(1000));
    }

    /** A socket that records what is written and how it is closed. */
    private ClientSocket socket() {
        return new ClientSocket() {
            @Override
            public void write(OutboundFrame frame) {
                wire.add(StandardCharsets.UTF_8.decode(frame.utf8().duplicate()).toString());
                if (writesUntilFull > 0 && --writesUntilFull == 0) {
                    writable = false;
                }
            }

            @Override
            public boolean writable() {
                return writable;
            }

            @Override
            public void stalled(Runnable giveUp) {
                stallDeadline = giveUp;
            }

            @Override
            public void resumed() {
                stallDeadline = null;
            }

            @Override
            public void close(CloseStatus status) {
                wire.add("close " + status.getCode());
            }

            @Override
            public Executor writer() {
                return writerTasks::add;
            }

            @Override
            public Executor closer() {
                return writerTasks::add;
            }
        };
    }

    /** A persistent delivery frame with this id. */
    static OutboundFrame frame(String id) {
        return OutboundFrame.of(text(id), id, true);
    }

    /** The text of {@link #frame}, as the socket records it. */
    static String text(String id) {
        return "{\"type\":\"notification\",\"id\":\"" + id + "\",\"timestamp\":1,\"payload\":{}}";
    }
}
