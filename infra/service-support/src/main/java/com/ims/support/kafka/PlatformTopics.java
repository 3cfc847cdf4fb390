package com.ims.support.kafka;

import com.ims.protocol.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The shared topics and their settings, declared once: every service registers them with its KafkaAdmin (creation is
 * idempotent) and the dev platform creates them at start, so no service depends on another having started first.
 */
public final class PlatformTopics {

    /** Producer topic partitions: the unit of ingest parallelism; a tenant's messages stay in one of them. */
    public static final int NOTIFICATION_PARTITIONS = 6;
    /** Per-gateway topics are a live path only (replay comes from the store), so ten minutes is plenty. */
    public static final long GATEWAY_RETENTION_MS = 10 * 60 * 1000L;

    private PlatformTopics() {
    }

    public static List<NewTopic> shared(short replication) {
        return List.of(
                new NewTopic(Topics.NOTIFICATIONS, NOTIFICATION_PARTITIONS, replication),
                new NewTopic(Topics.NOTIFICATIONS_DLT, 1, replication),
                new NewTopic(Topics.PRESENCE_EVENTS, 3, replication),
                new NewTopic(Topics.PRESENCE_ROUTES, 3, replication).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0",
                        TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(60 * 60 * 1000L))),
                new NewTopic(Topics.PRESENCE_STATUS, 3, replication).configs(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG, String.valueOf(24 * 60 * 60 * 1000L))),
                new NewTopic(Topics.RECEIPTS, 3, replication));
    }

    public static NewTopic gateway(String gatewayId, short replication) {
        return new NewTopic(Topics.gateway(gatewayId), 1, replication).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(GATEWAY_RETENTION_MS)));
    }
}
