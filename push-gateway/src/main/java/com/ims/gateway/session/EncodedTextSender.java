package com.ims.gateway.session;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a frame that is already UTF-8 as one WebSocket text frame on Tomcat, without encoding it again per recipient.
 *
 * @implNote The Jakarta WebSocket API sends text only as a {@code String}. Tomcat then encodes it per session through a
 *     buffer of {@code DEFAULT_BUFFER_SIZE}, kept small for idle memory ({@code ContainerConfig}), and every buffer's
 *     worth leaves as its own fragment with its own socket write: with 512-byte buffers a 4 KB notification left as 8
 *     frames and 8 writes to every recipient. Tomcat's own {@code sendBytes} does exactly what is needed, but with the
 *     binary opcode. This does the same steps with the text opcode: the sender's state machine {@code textStart()}, the
 *     package-private {@code sendMessageBlock(OPCODE_TEXT, payload, true)}, {@code complete(true)}. It reaches them by
 *     reflection (Tomcat sits on the class path, so no module opens are needed). Off Tomcat, or on a Tomcat whose
 *     layout differs, it is off (one log line) and {@link Connection} sends the {@code String} through the standard
 *     API, as before; {@code IdleConnectionFootprintTest} and {@code DeliveryTest} fail if an upgrade turns it off.
 */
final class EncodedTextSender {

    private static final Logger log = LoggerFactory.getLogger(EncodedTextSender.class);
    private static final String WS_SESSION = "org.apache.tomcat.websocket.WsSession";
    private static final String ENDPOINT = "org.apache.tomcat.websocket.WsRemoteEndpointImplBase";
    private static final String STATE_MACHINE = ENDPOINT + "$StateMachine";
    /** RFC 6455 opcode of a text frame. */
    private static final byte OPCODE_TEXT = 0x1;

    private static final Handles HANDLES = resolve();

    private EncodedTextSender() {
    }

    private record Handles(Class<?> sessionClass, MethodHandle endpoint, MethodHandle stateMachine,
                           MethodHandle textStart, MethodHandle complete, MethodHandle sendMessageBlock) {
    }

    static boolean supported() {
        return HANDLES != null;
    }

    /**
     * Sends {@code utf8} (not consumed: a duplicate is written) as one final text frame on {@code nativeSession}.
     *
     * @return false when this is not a Tomcat session this class can write to; the caller then uses the standard API
     */
    static boolean send(Object nativeSession, ByteBuffer utf8) throws IOException {
        Handles h = HANDLES;
        if (h == null || nativeSession == null || nativeSession.getClass() != h.sessionClass()) {
            return false;
        }
        try {
            Object endpoint = h.endpoint().invoke(nativeSession);
            Object states = h.stateMachine().invoke(endpoint);
            h.textStart().invoke(states);
            h.sendMessageBlock().invoke(endpoint, OPCODE_TEXT, utf8.duplicate(), true);
            h.complete().invoke(states, true);
            return true;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(e);
        }
    }

    private static Handles resolve() {
        try {
            Class<?> session = Class.forName(WS_SESSION, false, EncodedTextSender.class.getClassLoader());
            Class<?> endpoint = Class.forName(ENDPOINT, false, EncodedTextSender.class.getClassLoader());
            Class<?> stateMachine = Class.forName(STATE_MACHINE, false, EncodedTextSender.class.getClassLoader());
            MethodHandles.Lookup inSession = MethodHandles.privateLookupIn(session, MethodHandles.lookup());
            MethodHandles.Lookup inEndpoint = MethodHandles.privateLookupIn(endpoint, MethodHandles.lookup());
            MethodHandles.Lookup inStates = MethodHandles.privateLookupIn(stateMachine, MethodHandles.lookup());
            return new Handles(session,
                    inSession.findGetter(session, "wsRemoteEndpoint", endpoint),
                    inEndpoint.findGetter(endpoint, "stateMachine", stateMachine),
                    inStates.findVirtual(stateMachine, "textStart", MethodType.methodType(void.class)),
                    inStates.findVirtual(stateMachine, "complete", MethodType.methodType(void.class, boolean.class)),
                    inEndpoint.findVirtual(endpoint, "sendMessageBlock",
                            MethodType.methodType(void.class, byte.class, ByteBuffer.class, boolean.class)));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.info("pre-encoded text frames off (not the Tomcat layout they were written for): {}", e.toString());
            return null;
        }
    }
}
