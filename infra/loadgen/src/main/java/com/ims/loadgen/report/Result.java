package com.ims.loadgen.report;

import com.ims.loadgen.metrics.LatencySummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scenario run against one system: what was asked (params), what was measured (metrics, in insertion order so the
 * table reads top-down), the latency summary, per-step rows for stepped scenarios, and notes on anything unusual.
 */
public record Result(String system, String scenario, String label, String startedAt, Map<String, Object> params,
                     Map<String, Object> metrics, LatencySummary latency, List<Map<String, Object>> steps,
                     List<String> notes) {

    public static Result start(String system, String scenario, String label, String startedAt) {
        return new Result(system, scenario, label, startedAt, new LinkedHashMap<>(), new LinkedHashMap<>(),
                LatencySummary.EMPTY, new ArrayList<>(), new ArrayList<>());
    }

    public Result withLatency(LatencySummary summary) {
        return new Result(system, scenario, label, startedAt, params, metrics, summary, steps, notes);
    }

    public Result param(String key, Object value) {
        params.put(key, value);
        return this;
    }

    public Result metric(String key, Object value) {
        metrics.put(key, value);
        return this;
    }

    public Result note(String text) {
        notes.add(text);
        return this;
    }
}
