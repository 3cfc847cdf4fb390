package com.ims.gateway.session;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets Tomcat drop its copy of the handshake request (every header, the parameter map) once the WebSocket session exists.
 *
 * @implNote Tomcat's {@code WsHttpUpgradeHandler} keeps the {@code WsHandshakeRequest} it was given in a field that it
 *     reads only while building the session ({@code init}), and then holds it, with a map of every request header, for
 *     as long as the socket is open: about 1 KB per idle connection for a bare client, several KB for a browser. There
 *     is no API to let go of it, so this clears the field by reflection (Tomcat classes sit on the class path, no
 *     module opens are needed). The path to the handler goes through the socket's current processor, which Tomcat sets
 *     only after the upgrade returns (and takes away while it dispatches a read), so the heartbeat sweeper calls this a
 *     few times from the first sweep after the connect ({@link Connection#releaseHandshake()}), not the handler's
 *     {@code afterConnectionEstablished}. Anything unexpected (another container, another Tomcat layout) turns this off
 *     with one log line: it saves memory, it never changes behaviour.
 */
final class HandshakeRelease {

    private static final Logger log = LoggerFactory.getLogger(HandshakeRelease.class);
    private static final String WS_SESSION = "org.apache.tomcat.websocket.WsSession";
    private static final String ENDPOINT = "org.apache.tomcat.websocket.server.WsRemoteEndpointImplServer";
    private static final String PROCESSOR = "org.apache.coyote.http11.upgrade.UpgradeProcessorInternal";
    private static final String HANDLER = "org.apache.tomcat.websocket.server.WsHttpUpgradeHandler";

    /** Null when this is not the Tomcat layout it was written for. */
    private static final Path PATH = resolve();
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private HandshakeRelease() {
    }

    /** Whether this process can release handshake requests at all; false off Tomcat. */
    static boolean supported() {
        return PATH != null;
    }

    /** Logs once per process whether the first connection's release worked (a hint for the operator, no more). */
    static void report(boolean released) {
        if (REPORTED.compareAndSet(false, true)) {
            log.info("container handshake request released after upgrade: {}", released);
        }
    }

    /** Clears Tomcat's handshake request held for {@code nativeSession}; false when there was nothing to clear. */
    static boolean release(Object nativeSession) {
        if (PATH == null || nativeSession == null || !nativeSession.getClass().getName().equals(WS_SESSION)) {
            return false;
        }
        try {
            Object handler = handler(nativeSession);
            if (handler == null) {
                return false;
            }
            PATH.handshakeRequest.set(handler, null);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("could not release the handshake request error={}", e.toString());
            return false;
        }
    }

    /**
     * Whether Tomcat still holds the handshake request of {@code nativeSession}, for tests: null when that cannot be
     * told now (not Tomcat, or a read is being dispatched and the path to the upgrade handler is away).
     */
    static Boolean held(Object nativeSession) {
        if (PATH == null || nativeSession == null || !nativeSession.getClass().getName().equals(WS_SESSION)) {
            return null;
        }
        try {
            Object handler = handler(nativeSession);
            return handler == null ? null : PATH.handshakeRequest.get(handler) != null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private record Path(Field remoteEndpoint, Class<?> endpointClass, Field socketWrapper, Method currentProcessor,
                        Class<?> processorClass, Field upgradeHandler, Class<?> handlerClass, Field handshakeRequest) {
    }

    /** Session → remote endpoint → socket → current processor → upgrade handler; null when a link is missing now. */
    private static Object handler(Object nativeSession) throws ReflectiveOperationException {
        Object endpoint = PATH.remoteEndpoint.get(nativeSession);
        if (!PATH.endpointClass.isInstance(endpoint)) {
            return null;
        }
        Object socketWrapper = PATH.socketWrapper.get(endpoint);
        Object processor = socketWrapper == null ? null : PATH.currentProcessor.invoke(socketWrapper);
        if (!PATH.processorClass.isInstance(processor)) {
            return null;
        }
        Object handler = PATH.upgradeHandler.get(processor);
        return PATH.handlerClass.isInstance(handler) ? handler : null;
    }

    private static Path resolve() {
        try {
            ClassLoader loader = HandshakeRelease.class.getClassLoader();
            Class<?> session = Class.forName(WS_SESSION, false, loader);
            Class<?> endpoint = Class.forName(ENDPOINT, false, loader);
            Class<?> processor = Class.forName(PROCESSOR, false, loader);
            Class<?> handler = Class.forName(HANDLER, false, loader);
            Method current = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase", false, loader)
                    .getMethod("getCurrentProcessor");
            return new Path(accessible(session, "wsRemoteEndpoint"), endpoint, accessible(endpoint, "socketWrapper"),
                    current, processor, accessible(processor, "internalHttpUpgradeHandler"), handler,
                    accessible(handler, "handshakeRequest"));
        } catch (ClassNotFoundException e) {
            return null; // not Tomcat: nothing to release
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.info("Tomcat handshake requests stay referenced per connection (unexpected Tomcat layout: {})",
                    e.toString());
            return null;
        }
    }

    private static Field accessible(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
