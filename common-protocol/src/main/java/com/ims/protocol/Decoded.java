package com.ims.protocol;

/** What {@link FrameCodec#decode} made of a client frame: a usable envelope, or the reason it is not one. */
public sealed interface Decoded {

    record Frame(Envelope envelope) implements Decoded {
    }

    /** Not JSON, not an object, or a field of the wrong kind; {@code message} is safe to send back to the client. */
    record Malformed(String message) implements Decoded {
    }
}
