package com.ims.devplatform.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.h2.mvstore.MVMap;

/**
 * mongo-java-server's H2 collection, with its data size computed when asked ({@code collStats}, {@code validate})
 * instead of kept on every write.
 *
 * @implNote The stock collection encodes a document to BSON to learn its size on every insert and delete, and both the
 *     old and the new document on every update, then writes the running total to its meta map: two encodings and one
 *     more map write per receipt update, for a figure nothing on the write path reads. Summing the documents on demand
 *     costs a scan of the collection, which a dev store's rare {@code collStats} can afford.
 */
final class IndexedH2Collection extends H2Collection {

    private final MVMap<Object, Document> data;

    IndexedH2Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                        MVMap<Object, Document> data, MVMap<String, Object> meta, CursorRegistry cursors) {
        super(database, collectionName, options, data, meta, cursors);
        this.data = data;
    }

    @Override
    protected boolean tracksDataSize() {
        return false;
    }

    @Override
    protected int getDataSize() {
        if (data == null) {
            return 0; // H2Collection's constructor asks, for a debug line, before this class has its map
        }
        long size = 0;
        ByteBuf buffer = Unpooled.buffer(1024);
        try {
            for (Document document : data.values()) {
                buffer.clear();
                BsonDocumentType.encode(document, buffer); // retries if a writer changes it meanwhile
                size += buffer.writerIndex();
            }
        } finally {
            buffer.release();
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }
}
