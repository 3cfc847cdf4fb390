package com.ims.devplatform.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.devplatform.EmbeddedMongo;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store file written by the stock backend (Java-serialized documents) opens, converted, with every document intact. */
class DocumentFormatTest {

    @TempDir
    Path dir;

    @Test
    void aFileWrittenByTheStockBackendIsConvertedOnOpenAndKeepsEveryValue() {
        Path file = dir.resolve("old.mv");
        List<Document> written = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            written.add(new Document("_id", "d" + i).append("n", (long) i).append("when", new Date(1_000L * i))
                    .append("oid", new ObjectId()).append("tags", List.of("a", "b" + i))
                    .append("nested", new Document("x", i % 2 == 0).append("y", null)));
        }
        MVStore old = new MVStore.Builder().fileName(file.toString()).open();
        H2Backend stock = new H2Backend(old);
        MongoServer server = new MongoServer(stock);
        var address = server.bind();
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            client.getDatabase("t").getCollection("c").insertMany(written.stream().map(Document::new).toList());
        }
        server.shutdownNow();

        try (EmbeddedMongo mongo = EmbeddedMongo.start(file, 0);
             MongoClient client = MongoClients.create(mongo.uri("t"))) {
            var c = client.getDatabase("t").getCollection("c");
            assertThat(c.find().sort(new Document("n", 1)).into(new ArrayList<>())).isEqualTo(written);
            c.insertOne(new Document("_id", "after").append("n", 99L));
            assertThat(c.find(Filters.eq("_id", "d7")).first()).isEqualTo(written.get(7));
        }
        // And once more: the marker says BSON, nothing is converted twice.
        try (EmbeddedMongo mongo = EmbeddedMongo.start(file, 0);
             MongoClient client = MongoClients.create(mongo.uri("t"))) {
            assertThat(client.getDatabase("t").getCollection("c").countDocuments()).isEqualTo(51);
        }
    }
}
