package com.ims.devplatform.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A non-unique index, kept in memory and built from the documents when the collection opens (mongo-java-server calls
 * {@link #add} for each document of a new, empty index). It serves a query that pins a leading run of its fields to values
 * ({@code field: v} or {@code field: {$in: [...]}}): the documents under those key prefixes are read and matched against the
 * whole query. An array field indexes each element, as MongoDB's multikey indexes do.
 *
 * @implNote A trie of hash maps, one level per field: adding or removing a key is a few hash lookups, and a prefix is the
 *     subtree under it. (A sorted map with MongoDB's value comparator was measured first: its comparisons were a sixth of
 *     the store's CPU under load.) Only equality is served, so no order is kept. Memory is a few hundred bytes per
 *     document and index; the dev store holds what a developer or a benchmark writes, not a production history.
 */
final class MemorySecondaryIndex extends Index<Object> {

    /** A query with more value combinations than this over the leading fields is left to a scan. */
    private static final int MAX_PREFIXES = 20_000;

    /** One level of the trie; below the last field, {@code positions} holds the documents of that whole key. */
    private static final class Node {
        /** Null on the last level (and until a first child): most nodes are leaves. */
        Map<Object, Node> children;
        /**
         * Null, one position, or a {@link Many} of them: most keys of a compound index hold one document, and a set per
         * key (a HashSet, its map and table, about 130 bytes) was most of what an insert allocated here.
         */
        Object positions;

        Node child(Object value) {
            return children == null ? null : children.get(value);
        }

        Node childOrNew(Object value) {
            if (children == null) {
                children = new HashMap<>(4);
            }
            return children.computeIfAbsent(value, v -> new Node());
        }

        void addPosition(Object position) {
            if (positions == null || positions.equals(position)) {
                positions = position;
            } else if (positions instanceof Many many) {
                many.add(position);
            } else {
                Many many = new Many();
                many.add(positions);
                many.add(position);
                positions = many;
            }
        }

        boolean removePosition(Object position) {
            if (positions instanceof Many many) {
                boolean removed = many.remove(position);
                if (many.size() == 1) {
                    positions = many.iterator().next();
                }
                return removed;
            }
            if (positions != null && positions.equals(position)) {
                positions = null;
                return true;
            }
            return false;
        }

        void collectPositions(Set<Object> out) {
            if (positions instanceof Many many) {
                out.addAll(many);
            } else if (positions != null) {
                out.add(positions);
            }
        }

        boolean isEmpty() {
            return (children == null || children.isEmpty()) && positions == null;
        }
    }

    /** The positions of a key that holds more than one document (a type of its own: a position is never one). */
    private static final class Many extends HashSet<Object> {
        Many() {
            super(4);
        }
    }

    private final Node root = new Node();
    /**
     * The few documents whose position is not their {@code _id}. mongo-java-server's H2 collection positions a document
     * by its {@code _id}, so this stays empty there, and removal finds a document's position without a map of its own:
     * such a map per index (an entry and a normalized key per document, and a table resized into humongous arrays as a
     * collection grew) was a large part of the dev platform's old generation and of its collector's work.
     */
    private final Map<Object, Object> otherPositions = new HashMap<>();
    private long count;

    MemorySecondaryIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
    }

    /**
     * Whether this index serves the query: it pins a leading run of the fields, and pins none after the first field it
     * leaves open.
     *
     * @implNote mongo-java-server asks its indexes in creation order and uses the first that can handle a query, so an
     *     index that pins only part of what the query pins must decline when another index may pin more. With
     *     {@code (tenant, role, userId)} created before {@code (tenant, userId)}, a connect batch's
     *     {@code {tenant, userId: {$in: [500 ids]}}} read every membership of the tenant through the first one and matched
     *     each against the 500 ids: 12–293 ms per batch in a 10,000-user fan-out probe. A field the query pins after a
     *     gap is the sign: this index cannot use it, one whose leading fields are the query's can. When no index
     *     serves the query, the collection is scanned, as the stock backend always does.
     */
    @Override
    public synchronized boolean canHandle(Document query) {
        List<List<Object>> prefixes = prefixes(query);
        if (prefixes == null) {
            return false;
        }
        List<String> fields = keys();
        for (int i = prefixes.getFirst().size() + 1; i < fields.size(); i++) {
            if (Constraints.valuesOf(query, fields.get(i)) != null) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized Iterable<Object> getPositions(Document query) {
        Set<Object> out = new LinkedHashSet<>();
        for (List<Object> prefix : prefixes(query)) {
            Node node = root;
            for (Object v : prefix) {
                node = node.child(trieKey(v));
                if (node == null) {
                    break;
                }
            }
            if (node != null) {
                collect(node, out);
            }
        }
        return new ArrayList<>(out);
    }

    private static void collect(Node node, Set<Object> out) {
        Deque<Node> todo = new ArrayDeque<>();
        todo.push(node);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            n.collectPositions(out);
            if (n.children != null) {
                n.children.values().forEach(todo::push);
            }
        }
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
        if (!Objects.equals(position, document.get("_id"))) {
            otherPositions.put(idOf(document), position);
        }
        index(document, position);
        count++;
    }

    private void index(Document document, Object position) {
        for (List<Object> path : paths(document)) {
            Node node = root;
            for (Object k : path) {
                node = node.childOrNew(k);
            }
            node.addPosition(position);
        }
    }

    /**
     * The trie path of each of the document's keys: one, unless an indexed field holds an array (a multikey index).
     *
     * @implNote Top-level scalar fields, nearly every key here, are read and normalized directly. mongo-java-server's
     *     {@link #getKeyValues} splits each field's path with a regular expression into a stream, builds a map of the
     *     values and copies them twice; it was most of what an insert allocated in this index. Arrays, embedded
     *     documents and dotted paths still go through it, for its multikey expansion.
     */
    private List<List<Object>> paths(Document document) {
        List<String> fields = keys();
        List<Object> path = new ArrayList<>(fields.size());
        for (String field : fields) {
            if (field.indexOf('.') >= 0) {
                return expandedPaths(document);
            }
            Object value = document.get(field);
            if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
                return expandedPaths(document);
            }
            path.add(trieKey(normalizedScalar(value)));
        }
        return List.of(path);
    }

    private List<List<Object>> expandedPaths(Document document) {
        List<List<Object>> paths = new ArrayList<>();
        for (KeyValue key : getKeyValues(document)) {
            List<Object> path = new ArrayList<>(key.size());
            for (Object v : key.normalized()) {
                path.add(trieKey(v));
            }
            paths.add(path);
        }
        return paths;
    }

    /** mongo-java-server's normalization of a scalar (its {@code Utils.normalizeValue} is not public): numbers as doubles. */
    static Object normalizedScalar(Object value) {
        if (value instanceof Long l && l != (long) l.doubleValue()) {
            return l; // a long a double cannot hold keeps its identity
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d == 0.0 ? 0.0 : d; // -0.0 and 0.0 are one key
        }
        return value;
    }

    @Override
    public synchronized Object remove(Document document) {
        Object position = positionOf(document);
        if (!unindex(document, position)) {
            return null;
        }
        if (!otherPositions.isEmpty()) {
            otherPositions.remove(idOf(document));
        }
        count--;
        return position;
    }

    @Override
    public synchronized void updateInPlace(Document oldDocument, Document newDocument, Object position,
                                           MongoCollection<Object> collection) {
        if (sameIndexedValues(oldDocument, newDocument)) {
            return; // most updates change fields no index holds: no need to take out and put back every key
        }
        unindex(oldDocument, position);
        index(newDocument, position);
    }

    /** Index's own nullAwareEqualsKeys would expand every array field into all its keys: 2,000 for a fan-out group. */
    private boolean sameIndexedValues(Document a, Document b) {
        for (String field : keys()) {
            if (field.indexOf('.') >= 0 || !Objects.equals(a.get(field), b.get(field))) {
                return false;
            }
        }
        return true;
    }

    /** Takes the position out of each of the document's keys, and drops the nodes left empty; false if it held none. */
    private boolean unindex(Document document, Object position) {
        boolean removed = false;
        for (List<Object> keyPath : paths(document)) {
            List<Node> path = new ArrayList<>(keyPath.size() + 1);
            Node node = root;
            path.add(node);
            for (Object k : keyPath) {
                node = node.child(k);
                if (node == null) {
                    break;
                }
                path.add(node);
            }
            if (node == null || !node.removePosition(position)) {
                continue;
            }
            removed = true;
            for (int level = path.size() - 1; level > 0 && path.get(level).isEmpty(); level--) {
                path.get(level - 1).children.remove(keyPath.get(level - 1));
            }
        }
        return removed;
    }

    /**
     * Null: the collection asks every index for a document's position before an update and takes the one they agree on;
     * the {@code _id} index always answers, so this one need not keep a map to answer too.
     */
    @Override
    public Object getPosition(Document document) {
        return null;
    }

    private Object positionOf(Document document) {
        Object other = otherPositions.isEmpty() ? null : otherPositions.get(idOf(document));
        return other != null ? other : document.get("_id");
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
        return count;
    }

    @Override
    public long getDataSize() {
        return 0;
    }

    @Override
    public synchronized void drop() {
        root.children = null;
        root.positions = null;
        otherPositions.clear();
        count = 0;
    }

    /**
     * The trie's key for a normalized value. Numbers are normalized to {@code Double}, whose hash of a whole number varies
     * only in high bits: consecutive sequence numbers fell into the same few hash buckets (tree bins showed in the
     * profile). Whole numbers are keyed as {@code Long}, whose hash varies in the low bits; both sides of every lookup
     * go through here, so equality is unchanged.
     */
    static Object trieKey(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
            return d.longValue();
        }
        return value;
    }

    private static Object idOf(Document document) {
        return Constraints.normalized(document.get("_id"));
    }
}
