package com.ims.gateway.config;

import java.util.Collections;
import java.util.Enumeration;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request without one header, for everything that reads it after the wrapper (every way of reading headers: by name,
 * all values, the names): the token's {@code Authorization}, a compression offer, the relay's own header.
 */
public class HeaderHidingRequest extends HttpServletRequestWrapper {

    private final String hidden;

    public HeaderHidingRequest(HttpServletRequest request, String hidden) {
        super(request);
        this.hidden = hidden;
    }

    @Override
    public String getHeader(String name) {
        return hidden.equalsIgnoreCase(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return hidden.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                .filter(name -> !hidden.equalsIgnoreCase(name)).toList());
    }
}
