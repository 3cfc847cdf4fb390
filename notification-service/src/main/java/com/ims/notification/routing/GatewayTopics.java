package com.ims.notification.routing;

import com.ims.protocol.Topics;
import com.ims.support.kafka.PlatformTopics;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure {@code ims.gateway.<id>} exists before anything is sent to it.
 *
 * @implNote The broker does not create topics on first use, and a send to a missing topic blocks the sending thread for
 *     {@code max.block.ms}. Creating the topic when a gateway first shows up in the route table (on the loader thread)
 *     keeps that wait off the ingest threads; a gateway creates its own topic at start too, so this is a safety net.
 */
public class GatewayTopics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayTopics.class);
    private static final long CREATE_TIMEOUT_SECONDS = 10;

    private final Admin admin;
    private final short replication;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public GatewayTopics(Admin admin, short replication) {
        this.admin = admin;
        this.replication = replication;
    }

    /** Returns true when the topic exists (or was created); false when creation failed, which the caller logs. */
    public boolean ensure(String gatewayId) {
        if (known.contains(gatewayId)) {
            return true;
        }
        try {
            admin.createTopics(List.of(PlatformTopics.gateway(gatewayId, replication))).all()
                    .get(CREATE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            log.info("created gateway topic topic={}", Topics.gateway(gatewayId));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                log.warn("cannot create gateway topic gatewayId={} error={}", gatewayId, e.getCause().toString());
                return false;
            }
        } catch (TimeoutException e) {
            log.warn("gateway topic creation timed out gatewayId={}", gatewayId);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        known.add(gatewayId);
        return true;
    }

    /** True when the broker answers within {@code timeoutMillis}: the Kafka part of readiness. */
    public boolean brokerReachable(long timeoutMillis) {
        try {
            return !admin.describeCluster().nodes().get(timeoutMillis, TimeUnit.MILLISECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
