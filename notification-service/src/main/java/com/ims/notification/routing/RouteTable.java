package com.ims.notification.routing;

import com.ims.protocol.UserKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * In-memory view of {@code ims.presence.routes}: which gateways hold each online user, and per tenant how many of its
 * users each gateway holds (for {@code all}). Written by the {@link RouteTableLoader} thread and, ahead of presence, by the
 * connect handler ({@link #addGateway}); writers serialize on this object, readers take no lock.
 *
 * @implNote Readers may see a user's update half applied between the two maps for an instant; routing is a live path
 *     whose misses the store and replay repair, so plain concurrent maps suffice and no lock is taken on the hot path.
 */
public class RouteTable {

    /**
     * How long a gateway added by {@link #addGateway} survives route records that do not name it yet. Presence publishes
     * the route for a connect within milliseconds normally and within seconds in a reconnect storm; 30 s covers that,
     * and a pin that outlives a real disconnect only sends that user's messages to a gateway that drops them until it
     * lapses (the store redelivers them).
     */
    static final long PIN_MILLIS = 30_000;

    private final Map<UserKey, Set<String>> gatewaysByUser = new ConcurrentHashMap<>();
    /** tenant → gateway → number of the tenant's users on it; a gateway leaves the map at zero. */
    private final Map<String, Map<String, Integer>> gatewayUsersByTenant = new ConcurrentHashMap<>();
    /** tenant → its online users; the recipients of a persistent {@code all} message. */
    private final Map<String, Set<String>> onlineByTenant = new ConcurrentHashMap<>();
    /** user → gateway → when {@link #addGateway} added it; guarded by {@code this}. */
    private final Map<UserKey, Map<String, Long>> pins = new HashMap<>();
    /** When lapsed pins of all users are dropped next (pins normally end with presence's record); guarded by {@code this}. */
    private long nextPinSweep;
    private final LongSupplier clock;

    public RouteTable() {
        this(System::currentTimeMillis);
    }

    RouteTable(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * Applies presence's route record for the user: its gateways replace the user's, and an empty set (a tombstone)
     * takes the user offline, except for gateways the user connected to that presence has not confirmed yet.
     *
     * @implNote A record published before presence saw a connect (the tombstone of a drained gateway, say) can reach
     *     this table after the connect handler added the new gateway. Replacing the set then would take the user off a
     *     gateway it is connected to, and messages would wait for the next reconnect. So a pinned gateway stays until a
     *     record names it (presence caught up; later records are authoritative again) or {@link #PIN_MILLIS} passes.
     */
    public synchronized void update(UserKey user, Set<String> gateways) {
        Map<String, Long> pinned = pins.get(user);
        if (pinned != null) {
            long now = clock.getAsLong();
            pinned.keySet().removeIf(gateways::contains);
            pinned.values().removeIf(at -> now - at >= PIN_MILLIS);
            if (pinned.isEmpty()) {
                pins.remove(user);
            } else {
                Set<String> merged = new HashSet<>(gateways);
                merged.addAll(pinned.keySet());
                gateways = merged;
            }
        }
        replace(user, gateways);
    }

    /**
     * Adds one gateway to the user's route as soon as its CONNECTED event is seen, before the replay query runs.
     *
     * @implNote Without this, a message stored after the replay query but routed before presence-service published the
     *     new route went only to the user's old (possibly dead) gateway and waited for redelivery, arriving out of order.
     *     Ingest looks routes up after its store write, so with the route added first a message is either in the replay
     *     or routed live to the new gateway. The gateway is pinned until presence's route names it (see {@link #update}).
     */
    public synchronized void addGateway(UserKey user, String gatewayId) {
        long now = clock.getAsLong();
        if (now >= nextPinSweep) {
            // Once per pin lifetime, not per call: a reconnect storm pins every user at once, and a sweep on each connect
            // would cost the square of the storm under this lock. Pins a record never confirmed live at most twice as long.
            pins.values().removeIf(p -> {
                p.values().removeIf(at -> now - at >= PIN_MILLIS);
                return p.isEmpty();
            });
            nextPinSweep = now + PIN_MILLIS;
        }
        pins.computeIfAbsent(user, u -> new HashMap<>(2)).put(gatewayId, now);
        Set<String> current = gatewaysByUser.get(user);
        if (current != null && current.contains(gatewayId)) {
            return;
        }
        Set<String> next = new HashSet<>(current == null ? Set.of() : current);
        next.add(gatewayId);
        replace(user, next);
    }

    /** Replaces the user's gateways; an empty set takes the user offline. */
    private void replace(UserKey user, Set<String> gateways) {
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

    /** Users with a gateway that presence has not confirmed yet (for tests). */
    synchronized int pinnedUsers() {
        return pins.size();
    }

    public int onlineUserCount() {
        return gatewaysByUser.size();
    }
}
