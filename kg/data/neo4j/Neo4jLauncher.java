// Runs Neo4j Community (embedded) with Bolt on a loopback port, for development and CI.
//
// Started by kg/store/neo4j_server.py with Java's single-file source launcher (no build step):
//   NEO4J_PASSWORD=... java -Xmx1g -cp CLASSPATH Neo4jLauncher.java \
//       --home DIR --conf DIR/neo4j.conf --pid-file DIR/neo4j.pid
// The password comes from the environment so that it never shows in `ps`.
// On SIGTERM (or Ctrl-C) the JVM's shutdown hook stops the DBMS cleanly and removes the pid file.

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

public class Neo4jLauncher {
    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            opt.put(args[i].substring(2), args[i + 1]);
        }
        Path home = Path.of(opt.getOrDefault("home", ".neo4j")).toAbsolutePath();
        Path pidFile = Path.of(opt.getOrDefault("pid-file", home.resolve("neo4j.pid").toString()));
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            throw new IllegalArgumentException("set NEO4J_PASSWORD to at least 8 characters");
        }

        // All settings (Bolt address, auth, memory) come from the neo4j.conf that
        // kg/store/neo4j_server.py writes into the instance folder.
        Path conf = Path.of(opt.getOrDefault("conf", home.resolve("neo4j.conf").toString()));
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(conf)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
            } finally {
                try {
                    Files.deleteIfExists(pidFile);
                } catch (Exception ignored) {
                    // the pid file is advisory; the Python side checks the process too
                }
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        setPassword(dbms.database("system"), password);

        Files.createDirectories(pidFile.toAbsolutePath().getParent());
        Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
        System.out.println("union-kg neo4j: ready (home " + home + ")");
        System.out.flush();
        stopped.await();
    }

    // Set the configured password for user neo4j, so that auth is real from the first connection.
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            // A restart with the same password: Neo4j refuses to "change" it to itself.
            String msg = String.valueOf(e.getMessage());
            Throwable cause = e.getCause();
            while (cause != null) {
                msg += " " + cause.getMessage();
                cause = cause.getCause();
            }
            if (!msg.contains("cannot be the same")) {
                throw e;
            }
        }
    }
}
