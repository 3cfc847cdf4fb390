package com.ims.devplatform;

import de.bwaldvogel.mongo.MongoServer;
import com.ims.devplatform.store.DurableH2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Mongo-wire store of dev mode and tests: mongo-java-server with its H2 backend in a file under the data directory,
 * committed before a journaled write is acknowledged and within 100 ms of any other (see {@link DurableH2Backend}).
 *
 * <p>Differences from real MongoDB that the services must live with: TTL and partial indexes are accepted but ignored,
 * non-unique indexes live in memory; there are no transactions. docs/OPERATIONS.md lists them.
 */
public final class EmbeddedMongo implements AutoCloseable {

    /**
     * Netty event-loop threads of the store. mongo-java-server runs each command on its connection's event loop, so two
     * connections on one loop wait for each other's commands: with Netty's default (two per core, four here) an ingest
     * insert waited behind a receipts bulk of hundreds of updates, tens of milliseconds. With a loop per pooled
     * connection they wait only for the collection they share, statement by statement. Idle loops cost a thread each.
     */
    static final int WORKER_THREADS = 32;

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongo.class);

    private final MongoServer server;
    private final H2Backend backend;
    private final int port;

    private EmbeddedMongo(MongoServer server, H2Backend backend, int port) {
        this.server = server;
        this.backend = backend;
        this.port = port;
    }

    /** A store in {@code file} (created if missing), listening on {@code port} (0 picks a free one). */
    public static EmbeddedMongo start(Path file, int port) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // MVStore closes itself on an error in its background work; say so instead of failing every later write silently.
        // MVStore's page cache and page size stay at their defaults. Measured under the unicast benchmark: a 128 MB
        // cache made p99 at 1,000/s twice as long (102 vs 52 ms: the heap held 730 instead of 450 MB of live data);
        // 4 KB pages made small inserts 2.5x cheaper in a microbenchmark and changed nothing under load (52.3 vs 52.4 ms).
        MVStore store = new MVStore.Builder().fileName(file.toAbsolutePath().toString())
                .backgroundExceptionHandler((thread, e) -> log.error("store background error thread={}", thread.getName(), e))
                .open();
        // Unjournaled writes reach the file within the journal interval (see DurableH2Backend), as with mongod.
        store.setAutoCommitDelay(DurableH2Backend.JOURNAL_INTERVAL_MS);
        return start(DurableH2Backend.open(store), port, file.toString());
    }

    /** A store in memory only, for tests that need no durability. */
    public static EmbeddedMongo inMemory(int port) {
        return start(DurableH2Backend.inMemory(), port, "memory");
    }

    private static EmbeddedMongo start(H2Backend backend, int port, String where) {
        MongoServer server = new MongoServer(backend);
        server.bind(new InetSocketAddress("127.0.0.1", port), 1, WORKER_THREADS);
        int bound = server.getLocalAddress().getPort();
        log.info("Mongo-wire store started port={} store={}", bound, where);
        return new EmbeddedMongo(server, backend, bound);
    }

    public int port() {
        return port;
    }

    /** A connection string for {@code database} on this store. */
    public String uri(String database) {
        return "mongodb://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() {
        server.shutdown();
        backend.close();
    }
}
