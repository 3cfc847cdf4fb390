package com.ims.devplatform.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.util.Set;
import org.h2.mvstore.MVStore;

/**
 * mongo-java-server's H2 backend, made to commit its MVStore before it acknowledges a write, and to use indexes the way
 * MongoDB does (see {@link IndexedH2Database}).
 *
 * @implNote The stock backend lets MVStore commit in the background about once a second, so a {@code kill -9} erased writes
 *     it had already acknowledged (seen on these machines). Committing after every write command closes that window: an
 *     acknowledged write is in the file, as with MongoDB's journaled writes. The file is written, not fsynced, which covers a
 *     process crash but not a power loss; a commit per command is affordable because callers batch their writes.
 */
public final class DurableH2Backend extends H2Backend {

    private static final Set<String> WRITE_COMMANDS = Set.of(
            "insert", "update", "delete", "findandmodify", "findAndModify", "createIndexes", "dropIndexes",
            "drop", "create", "renameCollection", "dropDatabase");

    private DurableH2Backend(MVStore store) {
        super(store);
    }

    public static DurableH2Backend open(MVStore store) {
        return new DurableH2Backend(store);
    }

    /** A store that lives in memory only: same indexing, nothing to make durable. */
    public static DurableH2Backend inMemory() {
        return open(new MVStore.Builder().open());
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new IndexedH2Database(databaseName, getMvStore(), getCursorRegistry());
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        Document result = super.handleCommand(channel, databaseName, command, query);
        if (WRITE_COMMANDS.contains(command) && !isInMemory()) {
            commit();
        }
        return result;
    }
}
