package com.ims.gateway.config;

import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

import com.ims.support.net.AddressAllowlistFilter;
import com.ims.support.net.CidrAllowlist;
import com.ims.support.net.ClientAddressResolver;

import java.util.List;

/**
 * Who may call what. {@code /api/**} needs a bearer token (admin paths: scope {@code ims:admin}, and an address in
 * IMS_ADMIN_ALLOWED_CIDRS, checked before authentication). {@code /ws} authenticates itself (bad tokens: close code
 * 4001) and bypasses the chain. Everything else (actuator health/prometheus, {@code /demo}) is open.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);
    static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1/128");

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurity(HttpSecurity http) throws Exception {
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/api/v1/admin/**").hasAuthority("SCOPE_ims:admin")
                        .anyRequest().authenticated())
                .oauth2ResourceServer(oauth -> oauth
                        .jwt(Customizer.withDefaults())
                        .authenticationEntryPoint((request, response, e) ->
                                error(response, 401, "unauthorized", "a valid bearer token is required")))
                .exceptionHandling(ex -> ex.accessDeniedHandler((request, response, e) ->
                        error(response, 403, "forbidden", "scope ims:admin is required")))
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain openSecurity(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }

    /**
     * {@code /ws} bypasses the Spring Security filter chain. It authenticates itself (the handshake interceptor verifies
     * the token, a bad one is closed with 4001), and the open chain only added eleven filters of work to every handshake
     * (security context, headers on a 101, anonymous authentication): a sixth of a handshake's CPU in the profile, paid
     * 10,000 times in a reconnect storm.
     */
    @Bean
    WebSecurityCustomizer webSocketBypassesTheSecurityChain() {
        return web -> web.ignoring().requestMatchers(WebSocketConfig.PATH);
    }

    /**
     * Handshakes are not HTTP requests worth a {@code http.server.requests} observation each (a timer sample and tags per
     * connect); connections are counted by the gateway's own metrics ({@code ims.gateway.connections}, closes by code).
     */
    @Bean
    ObservationPredicate noHttpObservationForHandshakes() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && WebSocketConfig.PATH.equals(request.getCarrier().getRequestURI()));
    }

    /** IMS_ADMIN_ALLOWED_CIDRS: 403 before authentication, ahead of the Spring Security chain. */
    @Bean
    FilterRegistrationBean<AddressAllowlistFilter> adminAddressFilter(GatewayProperties properties) {
        GatewayProperties.Admin admin = properties.admin();
        CidrAllowlist defaults = properties.devMode() ? CidrAllowlist.all()
                : CidrAllowlist.parse(String.join(",", LOOPBACK), CidrAllowlist.none());
        CidrAllowlist allowed = CidrAllowlist.parse(admin.allowedCidrs(), defaults);
        CidrAllowlist proxies = CidrAllowlist.parse(admin.trustedProxies(), CidrAllowlist.none());
        log.info("admin API allowed addresses={} trustedProxies={}", allowed, proxies);
        AddressAllowlistFilter filter = new AddressAllowlistFilter(
                List.of(new AddressAllowlistFilter.Rule("admin", List.of("/api/v1/admin/**"), allowed)),
                new ClientAddressResolver(proxies));
        FilterRegistrationBean<AddressAllowlistFilter> bean = new FilterRegistrationBean<>(filter);
        bean.addUrlPatterns("/api/v1/admin/*");
        bean.setOrder(-200);
        return bean;
    }

    private static void error(HttpServletResponse response, int status, String error, String message)
            throws java.io.IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getOutputStream().write(("{\"error\":\"" + error + "\",\"message\":\"" + message + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }
}
