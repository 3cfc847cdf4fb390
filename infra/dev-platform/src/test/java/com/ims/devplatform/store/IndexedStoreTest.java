package com.ims.devplatform.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.devplatform.EmbeddedMongo;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev store's indexes only narrow what is read: every query answers the same on an indexed collection as on the same
 * documents without indexes (where the stock backend scans), through inserts, conditional updates, deletes and a reopen.
 */
class IndexedStoreTest {

    private static final List<String> STATUSES = List.of("PENDING", "DELIVERED", "ACKED", "EXPIRED");

    @TempDir
    Path dir;

    @Test
    void indexedQueriesAnswerAsAScanDoes() {
        Path file = dir.resolve("store.mv");
        try (EmbeddedMongo mongo = EmbeddedMongo.start(file, 0);
             MongoClient client = MongoClients.create(mongo.uri("t"))) {
            MongoCollection<Document> indexed = client.getDatabase("t").getCollection("indexed");
            MongoCollection<Document> plain = client.getDatabase("t").getCollection("plain");
            indexed.createIndex(Indexes.ascending("tenant", "userId", "status", "seq"));
            indexed.createIndex(Indexes.ascending("status", "nextAttemptAt"));
            indexed.createIndex(Indexes.ascending("tags"));
            indexed.createIndex(Indexes.ascending("seq"));
            Random random = new Random(7);
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                docs.add(new Document("_id", "m" + i % 300 + "|u" + i / 300)
                        .append("tenant", "t" + random.nextInt(3))
                        .append("userId", "u" + random.nextInt(40))
                        .append("status", STATUSES.get(random.nextInt(4)))
                        .append("seq", (long) random.nextInt(1_000))
                        .append("nextAttemptAt", random.nextBoolean() ? null : new Date(random.nextInt(1_000)))
                        .append("tags", List.of("a" + random.nextInt(5), "b" + random.nextInt(5))));
            }
            indexed.insertMany(docs.stream().map(Document::new).toList());
            plain.insertMany(docs.stream().map(Document::new).toList());

            List<Bson> updates = List.of(
                    Filters.and(Filters.eq("_id", "m5|u3"), Filters.in("status", List.of("PENDING", "DELIVERED"))),
                    Filters.and(Filters.eq("tenant", "t1"), Filters.eq("userId", "u7")),
                    Filters.and(Filters.in("_id", List.of("m1|u1", "m2|u2", "nope")), Filters.eq("status", "PENDING")));
            for (Bson filter : updates) {
                assertThat(indexed.updateMany(filter, Updates.set("status", "ACKED")).getModifiedCount())
                        .isEqualTo(plain.updateMany(filter, Updates.set("status", "ACKED")).getModifiedCount());
            }
            Bson deleted = Filters.and(Filters.eq("tenant", "t2"), Filters.in("status", List.of("EXPIRED")));
            assertThat(indexed.deleteMany(deleted).getDeletedCount()).isEqualTo(plain.deleteMany(deleted).getDeletedCount());

            assertSameAnswers(indexed, plain);
        }
        // Reopened from the file: the in-memory indexes are rebuilt from the documents.
        try (EmbeddedMongo mongo = EmbeddedMongo.start(file, 0);
             MongoClient client = MongoClients.create(mongo.uri("t"))) {
            assertSameAnswers(client.getDatabase("t").getCollection("indexed"), client.getDatabase("t").getCollection("plain"));
        }
    }

    @Test
    void collStatsReportsTheDocumentsSizeComputedWhenAsked() {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(dir.resolve("size.mv"), 0);
             MongoClient client = MongoClients.create(mongo.uri("t"))) {
            var db = client.getDatabase("t");
            MongoCollection<Document> c = db.getCollection("sized");
            c.insertMany(List.of(new Document("_id", 1).append("s", "x"), new Document("_id", 2).append("s", "y")));
            long two = size(db);
            // {_id: int32, s: "x"}: 4 (length) + 1+4+4 (_id) + 1+2+4+2 (s) + 1 (end) = 23 bytes each
            assertThat(two).isEqualTo(46);

            c.updateOne(Filters.eq("_id", 1), Updates.set("s", "x".repeat(101)));
            assertThat(size(db)).isEqualTo(two + 100);
            c.deleteOne(Filters.eq("_id", 2));
            assertThat(size(db)).isEqualTo(two + 100 - 23);
        }
    }

    private static long size(com.mongodb.client.MongoDatabase db) {
        return ((Number) db.runCommand(new Document("collStats", "sized")).get("size")).longValue();
    }

    private static void assertSameAnswers(MongoCollection<Document> indexed, MongoCollection<Document> plain) {
        List<Bson> queries = List.of(
                Filters.eq("_id", "m5|u3"),
                Filters.and(Filters.eq("_id", "m5|u3"), Filters.in("status", List.of("PENDING", "ACKED"))),
                Filters.and(Filters.eq("tenant", "t1"), Filters.eq("userId", "u7")),
                Filters.and(Filters.eq("tenant", "t0"), Filters.in("userId", List.of("u1", "u2", "u39")),
                        Filters.in("status", List.of("PENDING", "DELIVERED"))),
                Filters.and(Filters.eq("tenant", "t0"), Filters.eq("userId", "u3"), Filters.lt("seq", 500L),
                        Filters.or(Filters.eq("status", "ACKED"), Filters.eq("nextAttemptAt", null))),
                Filters.and(Filters.in("status", List.of("PENDING", "DELIVERED")), Filters.lte("nextAttemptAt", new Date(500))),
                Filters.eq("tags", "a3"),
                Filters.in("tags", List.of("b1", "a0")),
                Filters.eq("userId", "u5"),
                Filters.eq("tenant", "missing"),
                // numbers: stored as long, matched as MongoDB does whatever the query's number type
                Filters.eq("seq", 42),
                Filters.eq("seq", 42.0),
                Filters.in("seq", List.of(7, 8.0, 9L, 9.5, 1L << 40)),
                Filters.and(Filters.eq("tenant", "t0"), Filters.eq("userId", "u3"), Filters.eq("status", "PENDING"),
                        Filters.in("seq", List.of(100, 200L, 300.0))),
                // a gap in (tenant, userId, status, seq): served by another index or a scan, same answers
                Filters.and(Filters.eq("tenant", "t1"), Filters.eq("status", "ACKED")),
                Filters.and(Filters.eq("tenant", "t2"), Filters.in("seq", List.of(3L, 500L, 999L))));
        for (Bson q : queries) {
            List<Document> expected = plain.find(q).sort(Sorts.ascending("_id")).into(new ArrayList<>());
            assertThat(indexed.find(q).sort(Sorts.ascending("_id")).into(new ArrayList<>())).as(q.toString()).isEqualTo(expected);
        }
        assertThat(indexed.countDocuments()).isEqualTo(plain.countDocuments());
        assertThat(plain.find(Filters.in("seq", List.of(7, 8.0, 9L, 9.5))).first()).as("the number queries find something")
                .isNotNull();
    }
}
