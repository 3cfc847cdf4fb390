package com.ims.loadgen;

import com.ims.loadgen.report.Reports;
import com.ims.loadgen.report.Result;
import com.ims.loadgen.scenario.FanoutScenario;
import com.ims.loadgen.scenario.IdleScenario;
import com.ims.loadgen.scenario.ReconnectScenario;
import com.ims.loadgen.scenario.UnicastScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code java -jar loadgen.jar <idle|fanout|unicast|reconnect|report> [options]}; see {@link #USAGE}. */
public final class LoadgenMain {

    static final String USAGE = """
            usage: java -jar loadgen.jar <scenario> [options]
              scenarios:
                idle       N connections held; server RSS (and heap) per connection
                fanout     N users in one role, --rate msg/s to the role; deliveries/s, latency, CPU per delivery
                unicast    --rates a,b,c msg/s to random users, --step each; latency per step, where it climbs
                reconnect  drop N clients (--restart-cmd / --kill-pid); time until all back and caught up, losses
                report     --out results.md a.json b.json ...: side-by-side markdown of JSON results
              common:
                --target ims|peer-ws|peer-socketio   (ims)        --connections N (1000)
                --url ws://...  --publish-url http://...          (defaults per target)
                --publish-via http|kafka (http) --kafka-bootstrap 127.0.0.1:9092   (kafka: records on ims.notifications)
                --kafka-linger 5ms                                (the Kafka path's producer linger.ms)
                --server-port 8080,8081 | --server-pid 123,456    processes to measure (first = WebSocket server)
                --json out.json  --label text  --progress 2s      --payload-bytes 64  --transient
                --role R --tenant T --user-prefix P               (unique per run by default)
                --source-addrs 127.0.0.1,127.0.0.2 --conns-per-addr 20000 --io-threads 2
                --handshake-concurrency 200 --connect-timeout 30s --ramp-timeout 5m
                --min-delay 1000 --max-delay 30000 --prompt-jitter 1000 (reconnect backoff, ms, as the SDK)
                --ack-interval 100ms --no-ack --max-inflight 512 --publish-connections 32
              idle:      --hold 60s --no-gc --gc-url http://127.0.0.1:9001/gc (a Node peer run with --expose-gc)
              fanout:    --rate 1 --duration 60s --settle 3s --warmup 0s --drain 15s
              unicast:   --rates 100,250,500,1000 --step 20s --step-pause 2s --warmup 0s --warmup-rate 500 --drain 15s
              reconnect: --restart-cmd "..." --kill-pid PID --rate 100 --publish-before 2s --publish-for 10s --timeout 90s
                         --publish-after-drop 10s (publish until then after the first drop; publish-for only caps it)
                         --warmup 0s --warmup-rate 500 (random unicasts before the restart, left out of the latency)
              env: IMS_JWT_SECRET (default: the dev secret) signs user and publisher tokens.
            """;

    private LoadgenMain() {
    }

    public static void main(String[] argv) {
        try {
            System.exit(run(argv));
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        } catch (Exception e) {
            System.err.println("loadgen: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static int run(String[] argv) throws Exception {
        if (argv.length == 0 || "--help".equals(argv[0]) || "help".equals(argv[0])) {
            System.out.print(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        Args args = Args.parse(argv, Bench.VALUE_OPTIONS, Bench.FLAGS);
        if ("report".equals(args.command())) {
            return report(args);
        }
        Bench bench = new Bench(args);
        Result result = switch (args.command()) {
            case "idle" -> IdleScenario.run(bench);
            case "fanout" -> FanoutScenario.run(bench);
            case "unicast" -> UnicastScenario.run(bench);
            case "reconnect" -> ReconnectScenario.run(bench);
            default -> throw new IllegalArgumentException("unknown scenario " + args.command());
        };
        System.out.print(Reports.table(result));
        if (args.has("json")) {
            Path out = Path.of(args.string("json", "result.json"));
            Reports.writeJson(result, out);
            System.err.println("wrote " + out);
        }
        return 0;
    }

    private static int report(Args args) throws Exception {
        List<Map<String, Object>> results = new ArrayList<>();
        for (String f : args.positional()) {
            results.add(Reports.readJson(Path.of(f)));
        }
        if (results.isEmpty()) {
            throw new IllegalArgumentException("report needs JSON result files");
        }
        String md = Reports.markdown(results);
        if (args.has("out")) {
            Files.writeString(Path.of(args.string("out", "results.md")), md);
        } else {
            System.out.print(md);
        }
        return 0;
    }
}
