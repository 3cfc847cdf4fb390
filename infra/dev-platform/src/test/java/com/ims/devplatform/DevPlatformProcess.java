package com.ims.devplatform;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The dev platform as a child process, so a test can kill it the way a crash would. */
final class DevPlatformProcess implements AutoCloseable {

    private final Process process;

    private DevPlatformProcess(Process process) {
        this.process = process;
    }

    static DevPlatformProcess start(Path dataDir, int kafkaPort, int controllerPort, int mongoPort) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "platform");
        pb.environment().put("IMS_DATA_DIR", dataDir.toString());
        pb.environment().put("IMS_KAFKA_PORT", String.valueOf(kafkaPort));
        pb.environment().put("IMS_KAFKA_CONTROLLER_PORT", String.valueOf(controllerPort));
        pb.environment().put("IMS_MONGO_PORT", String.valueOf(mongoPort));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("READY")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException ignored) {
                // the process went away; the future times out or was completed already
            }
            ready.completeExceptionally(new IllegalStateException("dev platform exited before READY"));
        }, "dev-platform-output");
        reader.setDaemon(true);
        reader.start();
        ready.get(90, TimeUnit.SECONDS);
        return new DevPlatformProcess(p);
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
