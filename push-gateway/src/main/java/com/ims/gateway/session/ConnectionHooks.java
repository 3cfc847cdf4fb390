package com.ims.gateway.session;

import com.ims.protocol.internal.ReplayPage;

import com.ims.protocol.CloseCodes;

/** What the rest of the gateway wants to hear from a connection's write path (receipts, metrics). */
public interface ConnectionHooks {

    /** The frame reached the socket of this connection. Runs on a writer thread. */
    void written(Connection connection, OutboundFrame frame);

    /** The server decided to close the connection with this code (counted once per connection). */
    void closing(Connection connection, CloseCodes code);

    /** The connection wrote its last replay page and wants {@code page} next. Runs on a writer thread. */
    default void replayNext(Connection connection, ReplayPage page) {
    }

    ConnectionHooks NONE = new ConnectionHooks() {
        @Override
        public void written(Connection connection, OutboundFrame frame) {
        }

        @Override
        public void closing(Connection connection, CloseCodes code) {
        }
    };
}
