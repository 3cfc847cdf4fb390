package com.ims.devplatform.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * A non-unique index, kept in memory and built from the documents when the collection opens (mongo-java-server calls
 * {@link #add} for each document of a new, empty index). It serves a query that pins a leading run of its fields to values
 * ({@code field: v} or {@code field: {$in: [...]}}): the documents under those key prefixes are read and matched against the
 * whole query. An array field indexes each element, as MongoDB's multikey indexes do.
 *
 * @implNote Sorted by MongoDB's value order, so any leading run of fields is one range per combination of values. Memory
 *     is a few hundred bytes per document and index; the dev store holds what a developer or a benchmark writes, not a
 *     production history.
 */
final class MemorySecondaryIndex extends Index<Object> {

    /** A query with more value combinations than this over the leading fields is left to a scan. */
    private static final int MAX_PREFIXES = 20_000;
    private static final Object LOW = new Object();
    private static final Object HIGH = new Object();

    private final NavigableMap<List<Object>, Set<Object>> entries = new TreeMap<>(MemorySecondaryIndex::compareKeys);
    /** Position of each indexed document by its {@code _id}: removal gets a document, not its position. */
    private final Map<Object, Object> positions = new HashMap<>();

    MemorySecondaryIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
    }

    @Override
    public synchronized boolean canHandle(Document query) {
        return prefixes(query) != null;
    }

    @Override
    public synchronized Iterable<Object> getPositions(Document query) {
        List<List<Object>> prefixes = prefixes(query);
        Set<Object> out = new LinkedHashSet<>();
        for (List<Object> prefix : prefixes) {
            List<Object> from = new ArrayList<>(prefix);
            from.add(LOW);
            List<Object> to = new ArrayList<>(prefix);
            to.add(HIGH);
            for (Set<Object> at : entries.subMap(from, true, to, true).values()) {
                out.addAll(at);
            }
        }
        return new ArrayList<>(out);
    }

    /** Every combination of the values the query pins the leading fields to; null when it pins none. */
    private List<List<Object>> prefixes(Document query) {
        List<List<Object>> prefixes = List.of(List.of());
        for (String field : keys()) {
            List<Object> values = Constraints.valuesOf(query, field);
            if (values == null || values.isEmpty() || prefixes.size() * values.size() > MAX_PREFIXES) {
                break;
            }
            List<List<Object>> longer = new ArrayList<>(prefixes.size() * values.size());
            for (List<Object> prefix : prefixes) {
                for (Object v : values) {
                    List<Object> next = new ArrayList<>(prefix.size() + 1);
                    next.addAll(prefix);
                    next.add(v);
                    longer.add(next);
                }
            }
            prefixes = longer;
        }
        return prefixes.getFirst().isEmpty() ? null : prefixes;
    }

    @Override
    public synchronized void add(Document document, Object position, MongoCollection<Object> collection) {
        positions.put(idOf(document), position);
        for (KeyValue key : getKeyValues(document)) {
            entries.computeIfAbsent(values(key), k -> new HashSet<>(2)).add(position);
        }
    }

    @Override
    public synchronized Object remove(Document document) {
        Object position = positions.remove(idOf(document));
        if (position != null) {
            unindex(document, position);
        }
        return position;
    }

    @Override
    public synchronized void updateInPlace(Document oldDocument, Document newDocument, Object position,
                                           MongoCollection<Object> collection) {
        if (sameIndexedValues(oldDocument, newDocument)) {
            return; // most updates change fields no index holds: no need to take out and put back every key
        }
        unindex(oldDocument, position);
        add(newDocument, position, collection);
    }

    private boolean sameIndexedValues(Document a, Document b) {
        for (String field : keys()) {
            if (field.indexOf('.') >= 0 || !java.util.Objects.equals(a.get(field), b.get(field))) {
                return false;
            }
        }
        return true;
    }

    private void unindex(Document document, Object position) {
        for (KeyValue key : getKeyValues(document)) {
            List<Object> k = values(key);
            Set<Object> at = entries.get(k);
            if (at != null && at.remove(position) && at.isEmpty()) {
                entries.remove(k);
            }
        }
    }

    @Override
    public synchronized Object getPosition(Document document) {
        return positions.get(idOf(document));
    }

    @Override
    public void checkAdd(Document document, MongoCollection<Object> collection) {
        // not unique: nothing to refuse
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Object> collection) {
        // not unique: nothing to refuse
    }

    @Override
    public synchronized long getCount() {
        return positions.size();
    }

    @Override
    public long getDataSize() {
        return 0;
    }

    @Override
    public synchronized void drop() {
        entries.clear();
        positions.clear();
    }

    private static Object idOf(Document document) {
        return Constraints.normalized(document.get("_id"));
    }

    private static List<Object> values(KeyValue key) {
        List<Object> out = new ArrayList<>(key.size());
        for (Object v : key.normalized()) {
            out.add(v);
        }
        return out;
    }

    private static final Comparator<Object> ORDER = ValueComparator.asc();

    private static int compareKeys(List<Object> a, List<Object> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            if (x == y) {
                continue;
            }
            if (x == LOW || y == HIGH) {
                return -1;
            }
            if (x == HIGH || y == LOW) {
                return 1;
            }
            int c = ORDER.compare(x, y);
            if (c != 0) {
                return c;
            }
        }
        // One is a prefix of the other: a range bound (LOW, HIGH) after the prefix sorts before (after) the key that
        // ends there, so that a query pinning every field of the index finds its keys too.
        if (a.size() > n) {
            return a.get(n) == LOW ? -1 : 1;
        }
        if (b.size() > n) {
            return b.get(n) == LOW ? 1 : -1;
        }
        return 0;
    }
}
