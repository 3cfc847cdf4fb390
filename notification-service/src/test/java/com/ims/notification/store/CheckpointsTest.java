package com.ims.notification.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.devplatform.TestPlatform;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.Acknowledgment;

/**
 * A listener's offsets move only past journaled work, once per interval: the first batch is checkpointed at once, the
 * next ones wait for the interval and are then all acknowledged, in order (a batch acknowledgement commits only its own
 * records' partitions, so a later one does not cover an earlier one), and a quiet listener's last batches are
 * checkpointed by the flusher. Every checkpoint is a journaled, majority write.
 */
class CheckpointsTest {

    private static final Duration INTERVAL = Duration.ofHours(1); // the real flusher never fires during a test
    private final List<BsonDocument> writeConcerns = new CopyOnWriteArrayList<>();
    private final AtomicLong nanos = new AtomicLong(1_000);
    private MongoClient client;
    private MongoCollection<Document> collection;
    private Checkpoints checkpoints;

    @BeforeEach
    void open() {
        CommandListener concerns = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals("update")) {
                    writeConcerns.add(event.getCommand().getDocument("writeConcern", new BsonDocument()));
                }
            }
        };
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(TestPlatform.shared().mongoUri("checkpoints-test")))
                .addCommandListener(concerns).build());
        collection = client.getDatabase("checkpoints-test").getCollection("checkpoints");
        checkpoints = new Checkpoints(collection, INTERVAL, Clock.systemUTC(), nanos::get);
    }

    @AfterEach
    void close() {
        checkpoints.close();
        client.close();
    }

    @Test
    void batchesAreAcknowledgedOncePerIntervalAfterAJournaledCheckpoint() {
        List<String> acknowledged = new CopyOnWriteArrayList<>();

        assertThat(checkpoints.batchDone("ingest", () -> acknowledged.add("first"))).isTrue();
        assertThat(acknowledged).containsExactly("first");
        assertThat(collection.countDocuments(new Document("_id", "ingest@" + Thread.currentThread().getName()))).isOne();

        nanos.addAndGet(INTERVAL.toNanos() / 2);
        assertThat(checkpoints.batchDone("ingest", () -> acknowledged.add("second"))).as("within the interval").isFalse();
        assertThat(acknowledged).containsExactly("first");

        nanos.addAndGet(INTERVAL.toNanos());
        assertThat(checkpoints.batchDone("ingest", () -> acknowledged.add("third"))).isTrue();
        // The second batch may hold partitions the third has no record of: its own acknowledgement must be made too.
        assertThat(acknowledged).as("every kept batch acknowledged, in order, each once")
                .containsExactly("first", "second", "third");

        assertThat(writeConcerns).hasSize(2).allSatisfy(concern -> {
            assertThat(concern.getBoolean("j").getValue()).isTrue();
            assertThat(concern.getString("w").getValue()).isEqualTo("majority");
        });
    }

    @Test
    void aQuietListenersLastBatchesAreAllCheckpointedByTheFlusher() {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger middle = new AtomicInteger();
        AtomicInteger last = new AtomicInteger();
        checkpoints.batchDone("receipts", first::incrementAndGet);
        checkpoints.batchDone("receipts", middle::incrementAndGet);
        checkpoints.batchDone("receipts", last::incrementAndGet);

        checkpoints.flushQuiet();
        assertThat(last).as("not before the interval has passed").hasValue(0);

        nanos.addAndGet(INTERVAL.toNanos());
        checkpoints.flushQuiet();
        assertThat(middle).as("not covered by the last batch's acknowledgement").hasValue(1);
        assertThat(last).hasValue(1);
        assertThat(writeConcerns).hasSize(2);

        checkpoints.flushQuiet();
        assertThat(last).as("acknowledged once").hasValue(1);
        assertThat(writeConcerns).as("nothing left to checkpoint").hasSize(2);
    }

    @Test
    void journalMarksEveryWriteBeforeItDurableWithOneJournaledWrite() {
        checkpoints.journal("inbox");
        assertThat(writeConcerns).singleElement()
                .satisfies(concern -> assertThat(concern.getBoolean("j").getValue()).isTrue());
        assertThat(collection.find(new Document("_id", "inbox")).first()).isNotNull().containsKey("at");
    }
}
