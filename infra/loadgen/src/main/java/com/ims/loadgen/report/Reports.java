package com.ims.loadgen.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Prints a result as an aligned table, writes and reads it as JSON, and renders many results side by side in markdown. */
public final class Reports {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Reports() {
    }

    public static String table(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("== ").append(r.scenario()).append(" @ ").append(r.system());
        if (r.label() != null && !r.label().isBlank()) {
            sb.append(" (").append(r.label()).append(')');
        }
        sb.append(" — ").append(r.startedAt()).append('\n');
        int width = 12;
        for (String k : r.params().keySet()) {
            width = Math.max(width, k.length());
        }
        for (String k : r.metrics().keySet()) {
            width = Math.max(width, k.length());
        }
        String row = "  %-" + width + "s  %s%n";
        for (Map.Entry<String, Object> e : r.params().entrySet()) {
            sb.append(String.format(Locale.ROOT, row, e.getKey(), format(e.getValue())));
        }
        sb.append("  ").append("-".repeat(width + 20)).append('\n');
        for (Map.Entry<String, Object> e : r.metrics().entrySet()) {
            sb.append(String.format(Locale.ROOT, row, e.getKey(), format(e.getValue())));
        }
        if (r.latency().count() > 0) {
            sb.append(String.format(Locale.ROOT, row, "latency", r.latency().oneLine()));
        }
        if (!r.steps().isEmpty()) {
            List<String> cols = new ArrayList<>(r.steps().get(0).keySet());
            sb.append('\n').append("  ");
            for (String c : cols) {
                sb.append(String.format(Locale.ROOT, "%12s", c));
            }
            sb.append('\n');
            for (Map<String, Object> step : r.steps()) {
                sb.append("  ");
                for (String c : cols) {
                    sb.append(String.format(Locale.ROOT, "%12s", format(step.get(c))));
                }
                sb.append('\n');
            }
        }
        for (String n : r.notes()) {
            sb.append("  note: ").append(n).append('\n');
        }
        return sb.toString();
    }

    public static String format(Object v) {
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return "-";
            }
            return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%.2f", d);
        }
        return v == null ? "-" : v.toString();
    }

    public static void writeJson(Result r, Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, JSON.writeValueAsString(r));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> readJson(Path file) throws IOException {
        return JSON.readValue(Files.readString(file), LinkedHashMap.class);
    }

    /**
     * Markdown: per scenario one table with a column per system (label), rows = every metric seen plus latency
     * percentiles; stepped scenarios get one extra table per system.
     */
    @SuppressWarnings("unchecked")
    public static String markdown(List<Map<String, Object>> results) {
        Map<String, List<Map<String, Object>>> byScenario = new LinkedHashMap<>();
        for (Map<String, Object> r : results) {
            byScenario.computeIfAbsent(String.valueOf(r.get("scenario")), k -> new ArrayList<>()).add(r);
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<Map<String, Object>>> e : byScenario.entrySet()) {
            List<Map<String, Object>> runs = e.getValue();
            sb.append("### ").append(e.getKey()).append("\n\n| metric |");
            for (Map<String, Object> r : runs) {
                sb.append(' ').append(column(r)).append(" |");
            }
            sb.append("\n|---|");
            sb.append("---:|".repeat(runs.size())).append('\n');
            Set<String> keys = new LinkedHashSet<>();
            for (Map<String, Object> r : runs) {
                keys.addAll(((Map<String, Object>) r.getOrDefault("metrics", Map.of())).keySet());
            }
            for (String k : keys) {
                sb.append("| ").append(k).append(" |");
                for (Map<String, Object> r : runs) {
                    Object v = ((Map<String, Object>) r.getOrDefault("metrics", Map.of())).get(k);
                    sb.append(' ').append(format(v)).append(" |");
                }
                sb.append('\n');
            }
            for (String p : List.of("p50Ms", "p99Ms", "p999Ms", "maxMs")) {
                boolean any = runs.stream().anyMatch(r -> latency(r).get("count") instanceof Number n && n.longValue() > 0);
                if (!any) {
                    break;
                }
                sb.append("| latency ").append(p).append(" |");
                for (Map<String, Object> r : runs) {
                    sb.append(' ').append(format(latency(r).get(p))).append(" |");
                }
                sb.append('\n');
            }
            sb.append('\n');
            for (Map<String, Object> r : runs) {
                List<Map<String, Object>> steps = (List<Map<String, Object>>) r.getOrDefault("steps", List.of());
                if (steps.isEmpty()) {
                    continue;
                }
                List<String> cols = new ArrayList<>(steps.get(0).keySet());
                sb.append("Steps, ").append(column(r)).append(":\n\n|");
                for (String c : cols) {
                    sb.append(' ').append(c).append(" |");
                }
                sb.append("\n|").append("---:|".repeat(cols.size())).append('\n');
                for (Map<String, Object> s : steps) {
                    sb.append('|');
                    for (String c : cols) {
                        sb.append(' ').append(format(s.get(c))).append(" |");
                    }
                    sb.append('\n');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> latency(Map<String, Object> r) {
        Object l = r.get("latency");
        return l instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String column(Map<String, Object> r) {
        Object label = r.get("label");
        return label == null || label.toString().isBlank() ? String.valueOf(r.get("system")) : r.get("system") + " " + label;
    }
}
