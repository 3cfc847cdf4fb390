package com.ims.devplatform;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The embedded store's crash window (FACTS: the stock H2 backend lost writes acknowledged less than a second before a
 * kill -9) is closed: every acknowledged write survives a SIGKILL of the whole dev platform.
 */
class EmbeddedStoreDurabilityTest {

    @Test
    void acknowledgedWritesSurviveKillMinus9() throws Exception {
        Path data = Files.createTempDirectory("ims-durability");
        int mongoPort = TestPlatform.freePort();
        int kafkaPort = TestPlatform.freePort();
        int controllerPort = TestPlatform.freePort();
        String uri = "mongodb://127.0.0.1:" + mongoPort + "/ims";

        int written = 0;
        try (DevPlatformProcess platform = DevPlatformProcess.start(data, kafkaPort, controllerPort, mongoPort)) {
            try (MongoClient client = MongoClients.create(uri)) {
                MongoCollection<Document> docs = client.getDatabase("ims").getCollection("crash");
                for (int i = 0; i < 300; i++) {
                    docs.insertOne(new Document("_id", "single-" + i));
                    written++;
                }
                List<Document> batch = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    batch.add(new Document("_id", "bulk-" + i));
                }
                docs.insertMany(batch);
                written += batch.size();
                docs.updateOne(new Document("_id", "single-0"), new Document("$set", new Document("state", "ACKED")));
            }
            // Killed within milliseconds of the last acknowledgement: well inside H2's one-second background commit.
            platform.kill();
        }

        try (DevPlatformProcess platform = DevPlatformProcess.start(data, kafkaPort, controllerPort, mongoPort);
             MongoClient client = MongoClients.create(uri)) {
            MongoCollection<Document> docs = client.getDatabase("ims").getCollection("crash");
            assertThat(docs.countDocuments()).isEqualTo(written);
            assertThat(docs.find(new Document("_id", "single-0")).first().getString("state")).isEqualTo("ACKED");
        }
    }
}
