package com.ims.devplatform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One Kafka broker and one Mongo-wire store per test JVM, on free ports, shared by every test class of a module. Tests
 * keep apart by tenant, user and gateway ids rather than by fresh infrastructure, which would cost seconds per class.
 */
public final class TestPlatform {

    private static TestPlatform shared;

    private final EmbeddedKafka kafka;
    private final EmbeddedMongo mongo;
    private final Path dataDir;

    private TestPlatform(EmbeddedKafka kafka, EmbeddedMongo mongo, Path dataDir) {
        this.kafka = kafka;
        this.mongo = mongo;
        this.dataDir = dataDir;
    }

    public static synchronized TestPlatform shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("ims-test-platform");
                EmbeddedMongo mongo = EmbeddedMongo.start(dir.resolve("mongo/ims.mv.db"), 0);
                EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), freePort(), freePort());
                Topics.createShared(kafka.bootstrapServers());
                shared = new TestPlatform(kafka, mongo, dir);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    kafka.close();
                    mongo.close();
                }, "test-platform-shutdown"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    public String mongoUri(String database) {
        return mongo.uri(database);
    }

    public int mongoPort() {
        return mongo.port();
    }

    public Path dataDir() {
        return dataDir;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
