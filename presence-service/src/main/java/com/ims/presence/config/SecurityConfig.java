package com.ims.presence.config;

import com.ims.support.auth.ImsJwtDecoders;
import com.ims.support.net.AddressAllowlistFilter;
import com.ims.support.net.ClientAddressResolver;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call what: actuator health and metrics are open; every presence API needs scope {@code ims:admin} and an
 * address inside {@code IMS_ADMIN_ALLOWED_CIDRS} (checked first, so a refused address gets 403 before its token is read).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    static final String ADMIN_PATHS = "/api/v1/presence/**";

    @Bean
    JwtDecoder jwtDecoder(PresenceProperties properties) {
        return ImsJwtDecoders.create(properties.jwtSettings());
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, PresenceProperties properties) throws Exception {
        // Built here, not as a bean, so that the servlet container does not register it a second time.
        AddressAllowlistFilter allowlist = new AddressAllowlistFilter(
                List.of(new AddressAllowlistFilter.Rule("admin", List.of(ADMIN_PATHS), properties.adminAllowlist())),
                new ClientAddressResolver(properties.trustedProxyList()));
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(allowlist, BearerTokenAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus").permitAll()
                        .requestMatchers(ADMIN_PATHS).hasAuthority("SCOPE_ims:admin")
                        .anyRequest().authenticated())
                .oauth2ResourceServer(o -> o
                        .jwt(jwt -> { })
                        .authenticationEntryPoint((req, res, e) ->
                                error(res, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", "a valid bearer token is required"))
                        .accessDeniedHandler((req, res, e) ->
                                error(res, HttpServletResponse.SC_FORBIDDEN, "forbidden", "scope ims:admin is required")))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) ->
                                error(res, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", "a valid bearer token is required"))
                        .accessDeniedHandler((req, res, ex) ->
                                error(res, HttpServletResponse.SC_FORBIDDEN, "forbidden", "scope ims:admin is required")));
        return http.build();
    }

    private static void error(HttpServletResponse response, int status, String error, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getOutputStream().write(("{\"error\":\"" + error + "\",\"message\":\"" + message + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }
}
