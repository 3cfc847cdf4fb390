package com.ims.devplatform.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.KeyConstraintError;

/**
 * The {@code _id} index, also used when the query names other fields beside an {@code _id} equality or {@code $in}:
 * it reads the documents with those ids and the collection matches them against the whole query, as MongoDB does. The
 * stock index handles only a query on {@code _id} alone and leaves {@code {_id: k, status: {$in: [...]}}} to a scan of
 * the collection.
 */
final class IdLookupIndex extends Index<Object> {

    private final Index<Object> ids;

    IdLookupIndex(Index<Object> ids) {
        super(ids.getName(), ids.getKeys(), false);
        this.ids = ids;
    }

    @Override
    public boolean canHandle(Document query) {
        return ids.canHandle(query) || Constraints.idCondition(query) != null;
    }

    @Override
    public Iterable<Object> getPositions(Document query) {
        return ids.canHandle(query) ? ids.getPositions(query) : ids.getPositions(new Document("_id", Constraints.idCondition(query)));
    }

    @Override
    public boolean isUnique() {
        return true;
    }

    @Override
    public Object getPosition(Document document) {
        return ids.getPosition(document);
    }

    @Override
    public void checkAdd(Document document, MongoCollection<Object> collection) {
        ids.checkAdd(document, collection);
    }

    @Override
    public void add(Document document, Object position, MongoCollection<Object> collection) {
        ids.add(document, position, collection);
    }

    @Override
    public Object remove(Document document) {
        return ids.remove(document);
    }

    @Override
    public long getCount() {
        return ids.getCount();
    }

    @Override
    public long getDataSize() {
        return ids.getDataSize();
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Object> collection) {
        ids.checkUpdate(oldDocument, newDocument, collection);
    }

    @Override
    public void updateInPlace(Document oldDocument, Document newDocument, Object position,
                              MongoCollection<Object> collection) throws KeyConstraintError {
        ids.updateInPlace(oldDocument, newDocument, position, collection);
    }

    @Override
    public void drop() {
        ids.drop();
    }
}
