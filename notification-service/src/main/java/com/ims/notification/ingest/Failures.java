package com.ims.notification.ingest;

import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Tells an outage (store or broker unreachable: retry the whole batch until it passes, lose nothing) from a failure of
 * one record (dead-letter it after a bounded retry, keep the stream moving).
 */
public final class Failures {

    private Failures() {
    }

    public static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MongoSocketException || t instanceof MongoTimeoutException
                    || t instanceof MongoNotPrimaryException || t instanceof MongoNodeIsRecoveringException
                    || t instanceof RetriableException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof InterruptedException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
