package com.ims.devplatform;

import java.util.Arrays;

/** Entry point of {@code dev-platform-exec.jar}: {@code platform} (the default) or {@code token ...}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        // Set before the first logger exists; a plain logback.xml would leak into the services' test classpaths.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dev-platform-logback.xml");
        }
        String command = args.length == 0 ? "platform" : args[0];
        switch (command) {
            case "platform" -> DevPlatform.run();
            case "token" -> System.exit(TokenCommand.run(Arrays.copyOfRange(args, 1, args.length)));
            default -> {
                System.err.println("usage: dev-platform [platform | token <userId> ...]");
                System.exit(2);
            }
        }
    }
}
