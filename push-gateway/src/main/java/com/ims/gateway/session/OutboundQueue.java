package com.ims.gateway.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The bounded outbound queue of one connection: many producers (the delivery listener, the sweeper, the socket's own
 * thread) add frames, one writer at a time drains them. Passing either limit refuses the frame, and the caller closes the
 * connection with 4010: a client that cannot keep up reconnects and catches up from the store instead of growing our heap.
 *
 * @implNote One per connection, and most connections are idle with an empty queue, so the empty queue is kept small: the
 *     counters are plain fields updated through {@link VarHandle}s (not two Atomic objects), and the linked queue is made
 *     on the first offer.
 */
public final class OutboundQueue {

    private static final VarHandle FRAMES;
    private static final VarHandle COUNT;
    private static final VarHandle BYTES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            FRAMES = lookup.findVarHandle(OutboundQueue.class, "frames", ConcurrentLinkedQueue.class);
            COUNT = lookup.findVarHandle(OutboundQueue.class, "count", int.class);
            BYTES = lookup.findVarHandle(OutboundQueue.class, "bytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Null until the first frame. */
    private volatile ConcurrentLinkedQueue<OutboundFrame> frames;
    /** Counted beside the queue because ConcurrentLinkedQueue.size() walks the whole list. */
    private volatile int count;
    private volatile long bytes;
    private final int maxFrames;
    private final long maxBytes;

    public OutboundQueue(int maxFrames, long maxBytes) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    /** Adds the frame, or returns false (and adds nothing) when it would pass the frame or byte limit. */
    public boolean offer(OutboundFrame frame) {
        if ((int) COUNT.getAndAdd(this, 1) + 1 > maxFrames) {
            COUNT.getAndAdd(this, -1);
            return false;
        }
        if ((long) BYTES.getAndAdd(this, (long) frame.bytes()) + frame.bytes() > maxBytes) {
            BYTES.getAndAdd(this, (long) -frame.bytes());
            COUNT.getAndAdd(this, -1);
            return false;
        }
        queue().add(frame);
        return true;
    }

    @SuppressWarnings("unchecked")
    private ConcurrentLinkedQueue<OutboundFrame> queue() {
        ConcurrentLinkedQueue<OutboundFrame> q = frames;
        if (q == null) {
            ConcurrentLinkedQueue<OutboundFrame> fresh = new ConcurrentLinkedQueue<>();
            Object witness = FRAMES.compareAndExchange(this, (ConcurrentLinkedQueue<OutboundFrame>) null, fresh);
            q = witness == null ? fresh : (ConcurrentLinkedQueue<OutboundFrame>) witness;
        }
        return q;
    }

    public OutboundFrame poll() {
        ConcurrentLinkedQueue<OutboundFrame> q = frames;
        OutboundFrame frame = q == null ? null : q.poll();
        if (frame != null) {
            COUNT.getAndAdd(this, -1);
            BYTES.getAndAdd(this, (long) -frame.bytes());
        }
        return frame;
    }

    public boolean isEmpty() {
        ConcurrentLinkedQueue<OutboundFrame> q = frames;
        return q == null || q.isEmpty();
    }

    public int size() {
        return count;
    }

    public int maxFrames() {
        return maxFrames;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long bytes() {
        return bytes;
    }

    public void clear() {
        while (poll() != null) {
            // drop: the connection is closing
        }
    }
}
