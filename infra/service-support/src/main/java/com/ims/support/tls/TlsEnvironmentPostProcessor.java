package com.ims.support.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns {@code IMS_TLS_CERT} + {@code IMS_TLS_KEY} (PEM file paths) into a Spring Boot SSL bundle on the service's own
 * port: HTTPS, and {@code wss://} on the gateway. With neither set nothing is added and the port stays plain HTTP; with only
 * one set the service refuses to start, because half a TLS setup silently serving plain text is worse than not starting.
 *
 * <p>A service opts in by registering this class in its own {@code META-INF/spring.factories} under
 * {@code org.springframework.boot.EnvironmentPostProcessor} (Boot 4's key); push-gateway does, as the contract has the
 * gateway serve {@code wss://}. It is not registered here in service-support, so that {@code ./ims dev}, which exports one
 * environment to all three services, does not turn the producer and presence APIs into HTTPS behind their callers' backs.
 * The properties are added with the lowest precedence: an explicit {@code server.ssl.*} configuration wins.
 */
public final class TlsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    public static final String CERT_VARIABLE = "IMS_TLS_CERT";
    public static final String KEY_VARIABLE = "IMS_TLS_KEY";
    /** Optional: the password of an encrypted PKCS#8 key. */
    public static final String KEY_PASSWORD_VARIABLE = "IMS_TLS_KEY_PASSWORD";
    public static final String BUNDLE = "ims-server";
    static final String PROPERTY_SOURCE = "imsTls";

    private final Log log;

    public TlsEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(TlsEnvironmentPostProcessor.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> properties = tlsProperties(environment.getProperty(CERT_VARIABLE),
                environment.getProperty(KEY_VARIABLE), environment.getProperty(KEY_PASSWORD_VARIABLE));
        if (properties.isEmpty()) {
            return;
        }
        environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, properties));
        log.info("TLS on: serving HTTPS/wss with the certificate in " + environment.getProperty(CERT_VARIABLE)
                + " (ssl bundle " + BUNDLE + ")");
    }

    /** The bundle properties for these variables; empty when neither is set. */
    static Map<String, Object> tlsProperties(String cert, String key, String keyPassword) {
        boolean hasCert = cert != null && !cert.isBlank();
        boolean hasKey = key != null && !key.isBlank();
        if (!hasCert && !hasKey) {
            return Map.of();
        }
        if (hasCert != hasKey) {
            throw new IllegalStateException("TLS needs both " + CERT_VARIABLE + " and " + KEY_VARIABLE + " (PEM file paths); only "
                    + (hasCert ? CERT_VARIABLE : KEY_VARIABLE) + " is set. Set both to serve HTTPS/wss, or neither for plain HTTP.");
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        String prefix = "spring.ssl.bundle.pem." + BUNDLE + ".keystore.";
        properties.put(prefix + "certificate", location(CERT_VARIABLE, cert.trim()));
        properties.put(prefix + "private-key", location(KEY_VARIABLE, key.trim()));
        if (keyPassword != null && !keyPassword.isEmpty()) {
            properties.put(prefix + "private-key-password", keyPassword);
        }
        properties.put("server.ssl.bundle", BUNDLE);
        return properties;
    }

    /** A plain path would be read as a classpath resource by Spring's resource loader: make it an explicit file location. */
    private static String location(String variable, String path) {
        String file = path.startsWith("file:") ? path.substring("file:".length()) : path;
        if (!Files.isRegularFile(Path.of(file)) || !Files.isReadable(Path.of(file))) {
            throw new IllegalStateException(variable + " must name a readable PEM file; cannot read " + file);
        }
        return "file:" + file;
    }
}
