package com.ims.devplatform;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.util.Set;
import org.h2.mvstore.MVStore;

/**
 * mongo-java-server's H2 backend, made to commit its MVStore before it acknowledges a write.
 *
 * @implNote The stock backend lets MVStore commit in the background about once a second, so a {@code kill -9} erased writes
 *     it had already acknowledged (seen on these machines). Committing after every write command closes that window: an
 *     acknowledged write is in the file, as with MongoDB's journaled writes. The file is written, not fsynced, which covers a
 *     process crash but not a power loss; a commit per command is affordable because callers batch their writes.
 */
final class DurableH2Backend extends H2Backend {

    private static final Set<String> WRITE_COMMANDS = Set.of(
            "insert", "update", "delete", "findandmodify", "findAndModify", "createIndexes", "dropIndexes",
            "drop", "create", "renameCollection", "dropDatabase");

    DurableH2Backend(MVStore store) {
        super(store);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        Document result = super.handleCommand(channel, databaseName, command, query);
        if (WRITE_COMMANDS.contains(command)) {
            commit();
        }
        return result;
    }
}
