package com.ims.devplatform;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The infrastructure half of {@code ./ims dev}: a Kafka broker on {@code IMS_KAFKA_PORT} and the Mongo-wire store on
 * {@code IMS_MONGO_PORT}, both keeping their data under {@code IMS_DATA_DIR}. Prints one {@code READY} line when both
 * answer, and stops both cleanly on SIGTERM or Ctrl-C.
 */
public final class DevPlatform implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DevPlatform.class);

    private final EmbeddedKafka kafka;
    private final EmbeddedMongo mongo;

    private DevPlatform(EmbeddedKafka kafka, EmbeddedMongo mongo) {
        this.kafka = kafka;
        this.mongo = mongo;
    }

    public static DevPlatform start(Path dataDir, int kafkaPort, int kafkaControllerPort, int mongoPort) {
        EmbeddedMongo mongo = EmbeddedMongo.start(dataDir.resolve("mongo").resolve("ims.mv.db"), mongoPort);
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPort, kafkaControllerPort);
        Topics.createShared(kafka.bootstrapServers());
        return new DevPlatform(kafka, mongo);
    }

    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    public String mongoUri() {
        return mongo.uri("ims");
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            mongo.close();
        }
    }

    static void run() throws InterruptedException {
        Path dataDir = Path.of(env("IMS_DATA_DIR", "./data"));
        int kafkaPort = Integer.parseInt(env("IMS_KAFKA_PORT", "9092"));
        int controllerPort = Integer.parseInt(env("IMS_KAFKA_CONTROLLER_PORT", String.valueOf(kafkaPort + 1000)));
        int mongoPort = Integer.parseInt(env("IMS_MONGO_PORT", "27017"));
        DevPlatform platform = start(dataDir, kafkaPort, controllerPort, mongoPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping dev platform");
            platform.close();
            stopped.countDown();
        }, "dev-platform-shutdown"));
        System.out.println("READY kafka=" + platform.kafkaBootstrap() + " mongo=" + platform.mongoUri()
                + " data=" + dataDir.toAbsolutePath());
        System.out.flush();
        stopped.await();
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
