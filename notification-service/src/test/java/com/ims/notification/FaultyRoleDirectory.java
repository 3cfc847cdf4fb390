package com.ims.notification;

import com.ims.notification.directory.RoleDirectory;
import com.mongodb.client.MongoCollection;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;

/**
 * The service's RoleDirectory with failures a test injects per tenant, and a count of member lookups.
 *
 * @implNote Why not a Mockito spy with {@code doThrow().when(spy)}: a stubbing in progress is held by the mock, not by the
 *     stubbing thread, so a listener thread calling the bean at that moment (another test's connect or role message, in
 *     the context all test classes share) is taken for the stubbed call. That raced in CI once. A map lookup cannot.
 */
public class FaultyRoleDirectory extends RoleDirectory {

    private final Map<String, RuntimeException> membersFailures = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> batchClaimsFailures = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> membersCalls = new ConcurrentHashMap<>();

    public FaultyRoleDirectory(MongoCollection<Document> members, MongoCollection<Document> versions, int cacheLimit,
                               Duration maxAge, Clock clock) {
        super(members, versions, cacheLimit, maxAge, clock);
    }

    /** {@link #members} of this tenant's role throws {@code failure} from now on. */
    public void failMembers(String tenant, String role, RuntimeException failure) {
        membersFailures.put(tenant + '\u001f' + role, failure);
    }

    /** {@link #learnFromClaims} (the connect batch path) throws {@code failure} for this tenant from now on. */
    public void failBatchClaims(String tenant, RuntimeException failure) {
        batchClaimsFailures.put(tenant, failure);
    }

    public int membersCalls(String tenant, String role) {
        AtomicInteger n = membersCalls.get(tenant + '\u001f' + role);
        return n == null ? 0 : n.get();
    }

    @Override
    public List<String> members(String tenant, String role) {
        String key = tenant + '\u001f' + role;
        membersCalls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        RuntimeException failure = membersFailures.get(key);
        if (failure != null) {
            throw failure;
        }
        return super.members(tenant, role);
    }

    @Override
    public void learnFromClaims(String tenant, Map<String, ? extends Collection<String>> claims) {
        RuntimeException failure = batchClaimsFailures.get(tenant);
        if (failure != null) {
            throw failure;
        }
        super.learnFromClaims(tenant, claims);
    }
}
