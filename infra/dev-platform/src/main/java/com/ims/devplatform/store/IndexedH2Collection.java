package com.ims.devplatform.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;

/**
 * mongo-java-server's H2 collection, keeping each document as its BSON bytes ({@link BsonBytes}) and decoding it when
 * read, with its data size computed when asked ({@code collStats}, {@code validate}) instead of kept on every write.
 * Every method of the stock collection that touches its data map is replaced here, so the stock code never sees the map
 * it is given.
 *
 * @implNote <b>Bytes, not documents.</b> The stock map holds decoded documents, tens of objects each, and MVStore's
 *     background writer encodes them while request threads may be changing them in place (seen once under load: the
 *     encoder's iterator failed and MVStore closed the store). Here an update decodes a copy that no other thread sees
 *     and writes it back encoded, so the writer only copies bytes, and the page cache counts real sizes. A decode costs
 *     about 1 µs for a delivery and 0.1 ms for a fan-out group of 1,000; the dev platform's CPU and its collector's
 *     pause total under the benchmarks did not move (docs/BENCHMARKS.md, round of 2026-12-01 13:20).
 *     <p><b>Size on demand.</b> The stock collection encodes a document to learn its size on every insert and delete,
 *     and both the old and the new document on every update, then writes the running total to its meta map: two
 *     encodings and one more map write per receipt update, for a figure nothing on the write path reads.
 */
final class IndexedH2Collection extends H2Collection {

    private final MVMap<Object, byte[]> data;

    @SuppressWarnings({"unchecked", "rawtypes"})
    IndexedH2Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                        MVMap<Object, byte[]> data, MVMap<String, Object> meta, CursorRegistry cursors) {
        super(database, collectionName, options, (MVMap) data, meta, cursors);
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
        for (byte[] bson : data.values()) {
            size += bson.length;
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    @Override
    protected Object addDocumentInternal(Document document) {
        Object key = getIdField() != null ? Utils.getSubdocumentValue(document, getIdField()) : UUID.randomUUID();
        byte[] previous = data.put(Missing.ofNullable(key), BsonBytes.encode(document));
        if (previous != null) {
            throw new IllegalArgumentException("Document with key '" + key + "' already existed in " + this);
        }
        return key;
    }

    @Override
    protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
        data.put(Missing.ofNullable(position), BsonBytes.encode(newDocument));
    }

    @Override
    protected void removeDocument(Object position) {
        if (data.remove(position) == null) {
            throw new NoSuchElementException("No document with key " + position);
        }
    }

    @Override
    protected Document getDocument(Object position) {
        byte[] bson = data.get(position);
        return bson == null ? null : BsonBytes.decode(bson);
    }

    @Override
    public int count() {
        return data.size();
    }

    @Override
    public boolean isEmpty() {
        return data.isEmpty();
    }

    @Override
    protected Stream<DocumentWithPosition<Object>> streamAllDocumentsWithPosition() {
        return data.entrySet().stream()
                .map(e -> new DocumentWithPosition<>(BsonBytes.decode(e.getValue()), e.getKey()));
    }

    /** A scan, as the stock collection's: in key order, or reversed for {@code $natural: -1}. */
    @Override
    protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip, int numberToReturn,
                                         int batchSize, Document fieldSelector) {
        Stream<Document> documents = isNaturalDescending(orderBy)
                ? streamAllDocumentsWithPosition()
                        .sorted((a, b) -> ValueComparator.desc().compare(a.getPosition(), b.getPosition()))
                        .map(DocumentWithPosition::getDocument)
                : data.values().stream().map(BsonBytes::decode);
        return matchDocumentsFromStream(documents, query, orderBy, numberToSkip, numberToReturn, batchSize,
                fieldSelector);
    }
}
