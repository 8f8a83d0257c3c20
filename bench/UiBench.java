import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The live page's figures (bench/ui.sh): on a 3-member local lab, N times, kill the leader from the CLI and measure
 * (a) when etcd itself first reports a new leader (a client of this program asks every surviving member's status
 * every 5 ms) and (b) when the page in headless Chromium first shows that leader (the page's own log of every
 * picture it received, with the browser's clock: same machine, same clock). Prints the median of b - a, the kill
 * to the page showing the old leader killed, the page's size, and the daemon's resident memory before any page and
 * with one page open for 20 s.
 */
public class UiBench {
    static String lab(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of("lab").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", args) + ": " + out);
        }
        return out;
    }

    static long rssKb(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static double median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2.0;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path dir = Files.createTempDirectory("ui-bench");
        lab(dir, "up", "--name", "uib");
        ChromeDriver browser = null;
        try {
            var state = lab.provider.LabDir.json().readTree(dir.resolve(".lab/uib/state.json").toFile());
            long daemon = state.path("daemonPid").asLong();
            Thread.sleep(5000); // past the daemon's own warm-up
            long before = rssKb(daemon);
            String url = lab(dir, "ui", "--name", "uib").lines().filter(l -> l.startsWith("http")).findFirst()
                    .orElseThrow();
            ChromeOptions o = new ChromeOptions();
            o.setBinary("/usr/bin/chromium");
            o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
            browser = new ChromeDriver(new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(), o);
            browser.get(url);
            waitFor(browser, "available");
            List<Long> afterEtcd = new ArrayList<>();
            List<Long> killShown = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String leader = browser.findElement(By.id("quorum")).getAttribute("data-leader");
                Map<String, String> clients = new java.util.HashMap<>();
                for (var node : lab.provider.LabDir.json().readTree(dir.resolve(".lab/uib/state.json").toFile())
                        .path("nodes")) {
                    if (!node.path("name").asText().equals(leader)) {
                        clients.put(node.path("name").asText(), "http://" + node.path("address").asText() + ":2379");
                    }
                }
                long[] etcdSaw = {0};
                long old = lab.etcd.EtcdHttp.status(clients.values().iterator().next(), Duration.ofSeconds(1))
                        .leaderId();
                Thread watcher = new Thread(() -> {
                    while (etcdSaw[0] == 0) {
                        for (String ep : clients.values()) {
                            try {
                                var s = lab.etcd.EtcdHttp.status(ep, Duration.ofMillis(100));
                                if (s.leaderId() != 0 && s.leaderId() != old) {
                                    etcdSaw[0] = System.currentTimeMillis();
                                    break;
                                }
                            } catch (RuntimeException e) {
                                // during the election a member may not answer
                            }
                        }
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                watcher.start();
                Thread.sleep(100); // the watcher has seen the old leader
                int seen = ((Number) ((JavascriptExecutor) browser).executeScript(
                        "return window.__lab.updates.length")).intValue();
                lab(dir, "node", "kill", leader, "--name", "uib");
                long killed = System.currentTimeMillis();
                watcher.join(15000);
                long pageLeader = 0;
                long pageKilled = 0;
                long deadline = System.currentTimeMillis() + 15000;
                while ((pageLeader == 0 || pageKilled == 0) && System.currentTimeMillis() < deadline) {
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> ups = (List<Map<String, Object>>) ((JavascriptExecutor) browser)
                            .executeScript("return window.__lab.updates.slice(" + seen + ")");
                    for (Map<String, Object> u : ups) {
                        Object l = u.get("leader");
                        long at = ((Number) u.get("at")).longValue();
                        if (pageLeader == 0 && l != null && !l.equals(leader)) {
                            pageLeader = at;
                        }
                        @SuppressWarnings("unchecked")
                        Map<String, Object> procs = (Map<String, Object>) u.get("processes");
                        if (pageKilled == 0 && "killed".equals(procs.get(leader))) {
                            pageKilled = at;
                        }
                    }
                    Thread.sleep(20);
                }
                if (etcdSaw[0] == 0 || pageLeader == 0) {
                    System.out.printf("run %d: no new leader seen within 15 s (etcd %d, page %d): not counted%n",
                            i + 1, etcdSaw[0], pageLeader);
                    lab(dir, "node", "start", leader, "--name", "uib");
                    waitFor(browser, "available");
                    continue;
                }
                afterEtcd.add(pageLeader - etcdSaw[0]);
                killShown.add(pageKilled - killed);
                System.out.printf("run %d: %s killed; etcd reported a new leader, the page showed it %d ms later; "
                        + "the page showed %s killed %d ms after the kill command returned%n", i + 1, leader,
                        pageLeader - etcdSaw[0], leader, pageKilled - killed);
                lab(dir, "node", "start", leader, "--name", "uib");
                waitFor(browser, "available");
                Thread.sleep(1500);
            }
            Thread.sleep(20000);
            long with = rssKb(daemon);
            System.out.printf("%nnew leader on the page after etcd reported it: median %.0f ms of %d runs (target "
                    + "under 500 ms); all: %s%n", median(afterEtcd), afterEtcd.size(), afterEtcd);
            System.out.printf("old leader shown killed after `lab node kill` returned: median %.0f ms%n",
                    median(killShown));
            System.out.printf("page size: %d bytes (HTML, CSS and JavaScript in one document)%n",
                    lab.daemon.UiServer.pageSize());
            System.out.printf("daemon resident memory: %d MiB before any page, %d MiB with a page open (+%d MiB)%n",
                    before / 1024, with / 1024, (with - before) / 1024);
        } finally {
            if (browser != null) {
                browser.quit();
            }
            lab(dir, "down", "--name", "uib");
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    static void waitFor(ChromeDriver browser, String quorumState) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30000;
        while (System.currentTimeMillis() < deadline) {
            if (quorumState.equals(browser.findElement(By.id("quorum")).getAttribute("data-state"))
                    && browser.findElement(By.id("quorum")).getText().contains("3 running")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the page never showed " + quorumState);
    }
}
