package com.ims.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Command line: {@code <command> [--key value | --flag]... [file...]}. Unknown options are an error (a typo must not
 * silently run a different benchmark); every typed getter says which option was bad.
 */
public final class Args {

    private final String command;
    private final Map<String, String> options;
    private final List<String> positional;

    private Args(String command, Map<String, String> options, List<String> positional) {
        this.command = command;
        this.options = options;
        this.positional = positional;
    }

    public static Args parse(String[] argv, Set<String> valueOptions, Set<String> flags) {
        if (argv.length == 0) {
            throw new IllegalArgumentException("missing command");
        }
        Map<String, String> options = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            String key = a.substring(2);
            String value = null;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            if (flags.contains(key)) {
                options.put(key, value == null ? "true" : value);
            } else if (valueOptions.contains(key)) {
                if (value == null) {
                    if (i + 1 >= argv.length) {
                        throw new IllegalArgumentException("--" + key + " needs a value");
                    }
                    value = argv[++i];
                }
                options.put(key, value);
            } else {
                throw new IllegalArgumentException("unknown option --" + key);
            }
        }
        return new Args(argv[0], options, positional);
    }

    public String command() {
        return command;
    }

    public List<String> positional() {
        return positional;
    }

    public Map<String, String> given() {
        return options;
    }

    public boolean has(String key) {
        return options.containsKey(key);
    }

    public String string(String key, String fallback) {
        String v = options.get(key);
        return v == null || v.isBlank() ? fallback : v;
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(options.getOrDefault(key, "false"));
    }

    public int integer(String key, int fallback) {
        String v = options.get(key);
        try {
            return v == null ? fallback : Integer.parseInt(v.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer, got '" + v + "'");
        }
    }

    public double decimal(String key, double fallback) {
        String v = options.get(key);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a number, got '" + v + "'");
        }
    }

    public Duration duration(String key, Duration fallback) {
        String v = options.get(key);
        return v == null ? fallback : parseDuration(key, v);
    }

    public List<Double> decimals(String key, List<Double> fallback) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        List<Double> out = new ArrayList<>();
        for (String part : v.split(",")) {
            try {
                out.add(Double.parseDouble(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + key + " must be comma-separated numbers, got '" + v + "'");
            }
        }
        return out;
    }

    /** {@code 500ms}, {@code 20s}, {@code 2m}, or a bare number of seconds. */
    static Duration parseDuration(String key, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
            }
            if (s.endsWith("m")) {
                return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000));
            }
            return Duration.ofMillis((long) (Double.parseDouble(s) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a duration like 500ms, 20s or 2m, got '" + v + "'");
        }
    }
}
