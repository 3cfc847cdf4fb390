package com.ims.gateway.inbound;

/**
 * Joins the parts of one client text message and enforces {@code IMS_MAX_FRAME_BYTES} on the whole; counts the parts of a
 * binary message against the same limit without keeping them.
 *
 * @implNote The gateway asks the container for partial messages so that its per-connection receive buffer can stay small
 *     (a few KB instead of one as large as the biggest frame, for every idle connection). The parts of a message that
 *     does not fit one buffer are joined here; only such a message allocates a builder, and only until it ends.
 *     Not thread-safe: a socket's frames arrive one at a time.
 */
public final class FrameAssembler {

    /** What one part completed. */
    public sealed interface Result {
        /** More parts to come. */
        record Incomplete() implements Result {
        }

        record Complete(String text) implements Result {
        }

        /** A whole binary message ended within the limit (its bytes are not kept: the protocol refuses binary). */
        record BinaryComplete() implements Result {
        }

        /** The message passed the limit: the connection must be closed with 1009. */
        record TooBig(long bytes) implements Result {
        }
    }

    private static final Result.Incomplete INCOMPLETE = new Result.Incomplete();
    private static final Result.BinaryComplete BINARY_COMPLETE = new Result.BinaryComplete();

    private final int maxBytes;
    private StringBuilder parts;
    private long bytes;

    public FrameAssembler(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public Result accept(String part, boolean last) {
        Result.TooBig tooBig = count(utf8Length(part));
        if (tooBig != null) {
            return tooBig;
        }
        if (last && parts == null) {
            bytes = 0;
            return new Result.Complete(part);
        }
        if (parts == null) {
            parts = new StringBuilder(Math.max(part.length() * 2, 256));
        }
        parts.append(part);
        if (!last) {
            return INCOMPLETE;
        }
        String text = parts.toString();
        reset();
        return new Result.Complete(text);
    }

    /**
     * Counts one part of a binary message against the same limit; parts of one message never interleave with another's
     * (RFC 6455 section 5.4), so the text counter serves both.
     */
    public Result acceptBinary(int length, boolean last) {
        Result.TooBig tooBig = count(length);
        if (tooBig != null) {
            return tooBig;
        }
        if (!last) {
            return INCOMPLETE;
        }
        bytes = 0;
        return BINARY_COMPLETE;
    }

    /** Adds a part's bytes to the message's; past the limit, forgets the message and answers why, else null. */
    private Result.TooBig count(long partBytes) {
        bytes += partBytes;
        if (bytes <= maxBytes) {
            return null;
        }
        long seen = bytes;
        reset();
        return new Result.TooBig(seen);
    }

    private void reset() {
        parts = null;
        bytes = 0;
    }

    /** UTF-8 length without encoding (no allocation per frame). */
    static long utf8Length(CharSequence s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
