package com.ims.devplatform;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The embedded store keeps MongoDB's promise under a SIGKILL of the whole dev platform (FACTS: the stock H2 backend lost
 * writes acknowledged less than a second before a kill -9): a journaled write, and every write acknowledged before it,
 * survives; an unjournaled write is in the file once the journal interval has passed.
 */
class EmbeddedStoreDurabilityTest {

    private static final WriteConcern JOURNALED = WriteConcern.MAJORITY.withJournal(true);

    @Test
    void aJournaledWriteMakesItAndEverythingBeforeItSurviveKillMinus9() throws Exception {
        Path data = Files.createTempDirectory("ims-durability");
        Ports ports = new Ports();

        int written = 0;
        try (DevPlatformProcess platform = ports.start(data);
             MongoClient client = MongoClients.create(ports.uri())) {
            MongoCollection<Document> docs = client.getDatabase("ims").getCollection("crash");
            for (int i = 0; i < 300; i++) {
                docs.insertOne(new Document("_id", "single-" + i)); // unjournaled, as most service writes are
                written++;
            }
            List<Document> batch = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                batch.add(new Document("_id", "bulk-" + i));
            }
            docs.insertMany(batch);
            written += batch.size();
            // The checkpoint: one journaled write covers all of the above.
            docs.withWriteConcern(JOURNALED)
                    .updateOne(new Document("_id", "single-0"), new Document("$set", new Document("state", "ACKED")));
            // Killed within milliseconds of the last acknowledgement: well inside the journal interval.
            platform.kill();
        }

        try (DevPlatformProcess platform = ports.start(data);
             MongoClient client = MongoClients.create(ports.uri())) {
            MongoCollection<Document> docs = client.getDatabase("ims").getCollection("crash");
            assertThat(docs.countDocuments()).isEqualTo(written);
            assertThat(docs.find(new Document("_id", "single-0")).first().getString("state")).isEqualTo("ACKED");
        }
    }

    @Test
    void anUnjournaledWriteReachesTheFileWithinTheJournalInterval() throws Exception {
        Path data = Files.createTempDirectory("ims-durability");
        Path file = data.resolve("mongo").resolve("ims.mv.db");
        Ports ports = new Ports();

        try (DevPlatformProcess platform = ports.start(data);
             MongoClient client = MongoClients.create(ports.uri())) {
            MongoCollection<Document> docs = client.getDatabase("ims").getCollection("later");
            docs.withWriteConcern(JOURNALED).insertOne(new Document("_id", "first"));
            FileTime committed = Files.getLastModifiedTime(file);
            docs.insertOne(new Document("_id", "unjournaled"));
            // The background writer's commit is the only thing that touches the file now.
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.getLastModifiedTime(file).compareTo(committed) > 0);
            platform.kill();
        }

        try (DevPlatformProcess platform = ports.start(data);
             MongoClient client = MongoClients.create(ports.uri())) {
            assertThat(client.getDatabase("ims").getCollection("later").countDocuments()).isEqualTo(2);
        }
    }

    /** One set of ports per test, kept across the restart so the restarted platform serves the same URI. */
    private static final class Ports {
        final int mongo = TestPlatform.freePort();
        final int kafka = TestPlatform.freePort();
        final int controller = TestPlatform.freePort();

        DevPlatformProcess start(Path data) throws Exception {
            return DevPlatformProcess.start(data, kafka, controller, mongo);
        }

        String uri() {
            return "mongodb://127.0.0.1:" + mongo + "/ims";
        }
    }
}
