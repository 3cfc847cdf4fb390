package com.ims.notification.routing;

import com.ims.protocol.UserKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory view of {@code ims.presence.routes}: which gateways hold each online user, and per tenant how many of its
 * users each gateway holds (for {@code all}). Written by the {@link RouteTableLoader} thread and, ahead of presence, by the
 * connect handler ({@link #addGateway}); writers serialize on this object, readers take no lock.
 *
 * @implNote Readers may see a user's update half applied between the two maps for an instant; routing is a live path
 *     whose misses the store and replay repair, so plain concurrent maps suffice and no lock is taken on the hot path.
 */
public class RouteTable {

    private final Map<UserKey, Set<String>> gatewaysByUser = new ConcurrentHashMap<>();
    /** tenant → gateway → number of the tenant's users on it; a gateway leaves the map at zero. */
    private final Map<String, Map<String, Integer>> gatewayUsersByTenant = new ConcurrentHashMap<>();
    /** tenant → its online users; the recipients of a persistent {@code all} message. */
    private final Map<String, Set<String>> onlineByTenant = new ConcurrentHashMap<>();

    /** Replaces the user's gateways; an empty set (a tombstone) takes the user offline. */
    public synchronized void update(UserKey user, Set<String> gateways) {
        Set<String> previous = gateways.isEmpty() ? gatewaysByUser.remove(user) : gatewaysByUser.put(user, Set.copyOf(gateways));
        Map<String, Integer> counts = gatewayUsersByTenant.computeIfAbsent(user.tenant(), t -> new ConcurrentHashMap<>());
        if (previous != null) {
            for (String g : previous) {
                if (!gateways.contains(g)) {
                    counts.computeIfPresent(g, (k, n) -> n <= 1 ? null : n - 1);
                }
            }
        }
        for (String g : gateways) {
            if (previous == null || !previous.contains(g)) {
                counts.merge(g, 1, Integer::sum);
            }
        }
        Set<String> online = onlineByTenant.computeIfAbsent(user.tenant(), t -> ConcurrentHashMap.newKeySet());
        if (gateways.isEmpty()) {
            online.remove(user.userId());
        } else {
            online.add(user.userId());
        }
    }

    /**
     * Adds one gateway to the user's route as soon as its CONNECTED event is seen, before the replay query runs.
     *
     * @implNote Without this, a message stored after the replay query but routed before presence-service published the
     *     new route went only to the user's old (possibly dead) gateway and waited for redelivery, arriving out of order.
     *     Ingest looks routes up after its store write, so with the route added first a message is either in the replay
     *     or routed live to the new gateway. Presence's next route record for the user replaces this entry.
     */
    public synchronized void addGateway(UserKey user, String gatewayId) {
        Set<String> current = gatewaysByUser.get(user);
        if (current != null && current.contains(gatewayId)) {
            return;
        }
        Set<String> next = new java.util.HashSet<>(current == null ? Set.of() : current);
        next.add(gatewayId);
        update(user, next);
    }

    public Set<String> gatewaysOf(UserKey user) {
        return gatewaysByUser.getOrDefault(user, Set.of());
    }

    public boolean isOnline(UserKey user) {
        return gatewaysByUser.containsKey(user);
    }

    /** Gateways holding at least one user of the tenant. */
    public Collection<String> gatewaysOfTenant(String tenant) {
        Map<String, Integer> counts = gatewayUsersByTenant.get(tenant);
        return counts == null ? List.of() : new ArrayList<>(counts.keySet());
    }

    public List<String> onlineUsers(String tenant) {
        Set<String> online = onlineByTenant.get(tenant);
        return online == null ? List.of() : new ArrayList<>(online);
    }

    public int onlineUserCount() {
        return gatewaysByUser.size();
    }
}
