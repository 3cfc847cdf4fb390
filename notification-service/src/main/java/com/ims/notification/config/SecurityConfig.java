package com.ims.notification.config;

import com.ims.support.auth.ImsJwtDecoders;
import com.ims.support.auth.VerifiedTokenCache;
import com.ims.support.net.AddressAllowlistFilter;
import com.ims.support.net.ClientAddressResolver;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * Who may call what: actuator health and metrics open; the producer API needs {@code ims:publish} from a producer
 * address; role directory and status need {@code ims:admin} from an admin address; the inbox needs any valid token.
 * Address checks run before authentication; every refusal is JSON.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    private static final String PUBLISH = "SCOPE_ims:publish";
    private static final String ADMIN = "SCOPE_ims:admin";
    private static final int VERIFIED_TOKENS = 10_000;
    private static final java.time.Duration VERIFIED_TOKEN_MAX_AGE = java.time.Duration.ofMinutes(5);

    /** Verified tokens remembered: a producer sends the same token with every request (VerifiedTokenCache). */
    @Bean
    JwtDecoder jwtDecoder(NotificationProperties properties) {
        return new VerifiedTokenCache(ImsJwtDecoders.create(properties.jwtSettings()), VERIFIED_TOKENS,
                VERIFIED_TOKEN_MAX_AGE, java.time.Clock.systemUTC());
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, NotificationProperties properties) throws Exception {
        AddressAllowlistFilter allowlist = new AddressAllowlistFilter(List.of(
                new AddressAllowlistFilter.Rule("producer", List.of("/api/v1/notifications"), properties.producerAllowlist()),
                new AddressAllowlistFilter.Rule("admin", List.of("/api/v1/notifications/**", "/api/v1/roles/**"),
                        properties.adminAllowlist())),
                new ClientAddressResolver(properties.trustedProxies()));
        // A stateless token API: no session, saved request or logout endpoint to keep.
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .logout(l -> l.disable())
                .addFilterBefore(allowlist, BearerTokenAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus", "/error").permitAll()
                        .requestMatchers(HttpMethod.OPTIONS, "/api/v1/notifications").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/notifications").hasAuthority(PUBLISH)
                        .requestMatchers("/api/v1/notifications/**", "/api/v1/roles/**").hasAuthority(ADMIN)
                        // The inbox is the end user's own: any valid token, no scope, no address allowlist.
                        .requestMatchers("/api/v1/inbox", "/api/v1/inbox/**").authenticated()
                        .anyRequest().denyAll())
                .oauth2ResourceServer(o -> o
                        .jwt(Customizer.withDefaults())
                        .authenticationEntryPoint((req, res, e) -> json(res, 401, "unauthorized", "a valid bearer token is required"))
                        .accessDeniedHandler((req, res, e) -> json(res, 403, "forbidden", "the token lacks the required scope")))
                .exceptionHandling(x -> x
                        .authenticationEntryPoint((req, res, e) -> json(res, 401, "unauthorized", "a valid bearer token is required"))
                        .accessDeniedHandler((req, res, e) -> json(res, 403, "forbidden", "the token lacks the required scope")));
        if (properties.devMode()) {
            http.cors(c -> c.configurationSource(devCors()));
        } else {
            http.cors(c -> c.disable());
        }
        return http.build();
    }

    /** Dev mode only: the demo page on the gateway's port may call the producer API from the browser. */
    private static CorsConfigurationSource devCors() {
        CorsConfiguration cors = new CorsConfiguration();
        cors.addAllowedOriginPattern("*");
        cors.addAllowedMethod("POST");
        cors.addAllowedHeader("Authorization");
        cors.addAllowedHeader("Content-Type");
        cors.setMaxAge(600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/v1/notifications", cors);
        return source;
    }

    private static void json(HttpServletResponse res, int status, String error, String message) throws IOException {
        if (status == 401) {
            res.setHeader("WWW-Authenticate", "Bearer");
        }
        res.setStatus(status);
        res.setContentType("application/json");
        res.getOutputStream().write(("{\"error\":\"" + error + "\",\"message\":\"" + message + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }
}
