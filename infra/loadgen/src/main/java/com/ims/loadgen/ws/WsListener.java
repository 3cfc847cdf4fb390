package com.ims.loadgen.ws;

/** Events of one {@link WsChannel}, delivered on its loop's thread. */
interface WsListener {

    /** The server answered 101 Switching Protocols. */
    void onOpen(WsChannel channel);

    /** One complete text message (fragments already joined). */
    void onText(WsChannel channel, String text);

    /** The connection is gone: the server's close code, 1006 for a dropped socket, -1 when it never opened. */
    void onClosed(WsChannel channel, int code);
}
