package com.ims.devplatform.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.devplatform.EmbeddedMongo;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.ObjectId;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store keeps each document as its BSON bytes and decodes it on every read, through updates, scans and a reopen. */
class BsonBytesStoreTest {

    @TempDir
    Path dir;

    private static Document sample(int i) {
        return new Document("_id", "d" + i).append("n", (long) i).append("i", i).append("x", i / 3.0)
                .append("ok", i % 2 == 0).append("none", null).append("when", new Date(1_000L * i))
                .append("oid", new ObjectId()).append("bin", new Binary(new byte[] {(byte) i, 2, 3}))
                .append("tags", List.of("a", "b" + i))
                .append("nested", new Document("items", List.of(new Document("k", i), new Document("k", -i))));
    }

    @Test
    void documentsAreStoredAsBsonBytesAndReadBackWhole() {
        Path file = dir.resolve("store.mv");
        List<Document> written = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            written.add(sample(i));
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.start(file, 0);
             MongoClient client = MongoClients.create(mongo.uri("t"))) {
            MongoCollection<Document> c = client.getDatabase("t").getCollection("c");
            c.insertMany(written.stream().map(Document::new).toList());
            c.updateOne(Filters.eq("_id", "d4"), Updates.combine(Updates.set("n", 40L), Updates.unset("bin"),
                    Updates.push("tags", "c")));
            written.get(4).append("n", 40L).append("tags", List.of("a", "b4", "c")).remove("bin");
            c.deleteOne(Filters.eq("_id", "d7"));
            written.remove(7);

            assertThat(c.find(Filters.eq("_id", "d4")).first()).isEqualTo(written.get(4));
            assertThat(c.find(Filters.gte("n", 0L)).sort(new Document("$natural", -1)).into(new ArrayList<>()))
                    .as("a scan in reverse key order").isEqualTo(written.stream()
                            .sorted((a, b) -> b.getString("_id").compareTo(a.getString("_id"))).toList());
        }

        MVStore raw = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            MVMap<Object, byte[]> map = raw.openMap(DocumentFormat.DATA_PREFIX + "t.c", DocumentFormat.builder());
            assertThat(map.size()).isEqualTo(19);
            assertThat(map.get("d4")).as("on disk, the document's BSON after its length").isInstanceOf(byte[].class);
            assertThat(BsonBytes.decode(map.get("d4")).get("n")).isEqualTo(40L);
        } finally {
            raw.close();
        }

        try (EmbeddedMongo mongo = EmbeddedMongo.start(file, 0);
             MongoClient client = MongoClients.create(mongo.uri("t"))) {
            assertThat(client.getDatabase("t").getCollection("c").find().sort(new Document("n", 1))
                    .into(new ArrayList<>()))
                    .isEqualTo(written.stream().sorted((a, b) -> Long.compare(a.getLong("n"), b.getLong("n"))).toList());
        }
    }

    @Test
    void aRunningStoreHoldsOneByteArrayPerDocumentNotTheDecodedDocument() {
        DurableH2Backend backend = DurableH2Backend.inMemory();
        MongoServer server = new MongoServer(backend);
        var address = server.bind();
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            MongoCollection<Document> c = client.getDatabase("t").getCollection("c");
            c.insertOne(sample(1));
            c.updateOne(Filters.eq("_id", "d1"), Updates.set("n", 10L));

            // The collection's own open map: what its pages hold while the store runs.
            MVMap<Object, Object> live = backend.getMvStore().openMap(DocumentFormat.DATA_PREFIX + "t.c");
            assertThat(live.get("d1")).isInstanceOf(byte[].class);
            assertThat(BsonBytes.decode((byte[]) live.get("d1")).get("n")).isEqualTo(10L);
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDecodedDocumentIsACopyThatChangesNothingStored() {
        de.bwaldvogel.mongo.bson.Document original = new de.bwaldvogel.mongo.bson.Document("_id", "a")
                .append("list", new ArrayList<>(List.of(1, 2)));
        byte[] bson = BsonBytes.encode(original);
        de.bwaldvogel.mongo.bson.Document copy = BsonBytes.decode(bson);
        copy.put("extra", true);
        ((List<Object>) copy.get("list")).add(3);

        assertThat(BsonBytes.decode(bson)).isEqualTo(original).isNotSameAs(copy);
    }
}
