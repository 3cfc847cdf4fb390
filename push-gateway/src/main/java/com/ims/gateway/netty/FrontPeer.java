package com.ims.gateway.netty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

import com.ims.gateway.config.HeaderHidingRequest;

/**
 * The client's address and scheme, carried from the Netty server to the servlet container behind it in one header
 * ({@link #HEADER}: a secret made at start, the address, the port, the scheme), and restored there by {@link Filter}:
 * the admin API's address allowlist and {@code X-Forwarded-For} handling then see what they would see on Tomcat alone.
 * The container listens on loopback only; a request there without the secret did not come through the Netty server
 * and is refused (403), so no local process can claim another address.
 */
final class FrontPeer {

    static final String HEADER = "X-Ims-Front";

    private final String secret;

    FrontPeer() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        this.secret = HexFormat.of().formatHex(bytes);
    }

    String header(Object remote, boolean tls) {
        if (remote instanceof InetSocketAddress inet) {
            return secret + " " + inet.getAddress().getHostAddress() + " " + inet.getPort() + " " + (tls ? "https" : "http");
        }
        return secret + " 0.0.0.0 0 " + (tls ? "https" : "http");
    }

    Filter filter() {
        return new Filter(secret);
    }

    /** Restores the client's address and scheme from {@link #HEADER}; refuses a request without the secret. */
    static final class Filter extends OncePerRequestFilter {

        private final String secret;

        Filter(String secret) {
            this.secret = secret;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String[] parts = String.valueOf(request.getHeader(HEADER)).split(" ");
            if (parts.length != 4 || !java.security.MessageDigest.isEqual(parts[0].getBytes(), secret.getBytes())) {
                response.sendError(HttpServletResponse.SC_FORBIDDEN, "connect to the gateway's port");
                return;
            }
            chain.doFilter(new Peer(request, parts[1], Integer.parseInt(parts[2]), parts[3]), response);
        }

        @Override
        protected boolean shouldNotFilterAsyncDispatch() {
            return false;
        }

        @Override
        protected boolean shouldNotFilterErrorDispatch() {
            return false;
        }
    }

    private static final class Peer extends HeaderHidingRequest {
        private final String address;
        private final int port;
        private final String scheme;

        Peer(HttpServletRequest request, String address, int port, String scheme) {
            super(request, HEADER);
            this.address = address;
            this.port = port;
            this.scheme = scheme;
        }

        @Override
        public String getRemoteAddr() {
            return address;
        }

        @Override
        public String getRemoteHost() {
            return address;
        }

        @Override
        public int getRemotePort() {
            return port;
        }

        @Override
        public String getScheme() {
            return scheme;
        }

        @Override
        public boolean isSecure() {
            return "https".equals(scheme);
        }
    }
}
