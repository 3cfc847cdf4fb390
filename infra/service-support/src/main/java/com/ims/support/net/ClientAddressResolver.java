package com.ims.support.net;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The address a request really came from. {@code X-Forwarded-For} is believed only when the direct peer is a trusted
 * proxy, and then only back to the first hop that is not itself a trusted proxy: a client cannot spoof its way in by
 * sending the header itself.
 */
public final class ClientAddressResolver {

    private final CidrAllowlist trustedProxies;

    public ClientAddressResolver(CidrAllowlist trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    public String resolve(HttpServletRequest request) {
        return resolve(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
    }

    public String resolve(String remoteAddress, String forwardedFor) {
        if (forwardedFor == null || forwardedFor.isBlank() || !trustedProxies.allows(remoteAddress)) {
            return remoteAddress;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (hop.isEmpty()) {
                continue;
            }
            if (!trustedProxies.allows(hop)) {
                return hop;
            }
        }
        return remoteAddress;
    }
}
