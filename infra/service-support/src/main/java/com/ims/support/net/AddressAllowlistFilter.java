package com.ims.support.net;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Refuses with 403, before authentication, requests to guarded paths from addresses outside an allowlist
 * ({@code IMS_ADMIN_ALLOWED_CIDRS}, {@code IMS_PRODUCER_ALLOWED_CIDRS}).
 */
public final class AddressAllowlistFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AddressAllowlistFilter.class);

    /** Which paths one allowlist guards; the first rule whose pattern matches decides. */
    public record Rule(String name, List<String> pathPatterns, CidrAllowlist allowlist) {
    }

    private record CompiledRule(String name, List<PathPattern> patterns, CidrAllowlist allowlist) {
    }

    private final List<CompiledRule> rules;
    private final ClientAddressResolver addresses;

    public AddressAllowlistFilter(List<Rule> rules, ClientAddressResolver addresses) {
        PathPatternParser parser = PathPatternParser.defaultInstance;
        this.rules = rules.stream()
                .map(r -> new CompiledRule(r.name(), r.pathPatterns().stream().map(parser::parse).toList(), r.allowlist()))
                .toList();
        this.addresses = addresses;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        PathContainer path = PathContainer.parsePath(request.getRequestURI().substring(request.getContextPath().length()));
        for (CompiledRule rule : rules) {
            if (rule.patterns().stream().anyMatch(p -> p.matches(path))) {
                String client = addresses.resolve(request);
                if (!rule.allowlist().allows(client)) {
                    log.warn("refused address={} path={} allowlist={}", client, path.value(), rule.name());
                    response.setStatus(HttpServletResponse.SC_FORBIDDEN);
                    response.setContentType("application/json");
                    response.getOutputStream().write(("{\"error\":\"forbidden\",\"message\":\"address not allowed for "
                            + rule.name() + "\"}").getBytes(StandardCharsets.UTF_8));
                    return;
                }
                break;
            }
        }
        chain.doFilter(request, response);
    }
}
