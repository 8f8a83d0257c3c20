package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lab.provider.LabDir;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;
import org.zeroturnaround.exec.StartedProcess;

/**
 * The live page (`lab ui`) in a real headless Chromium (Debian's chromium and chromedriver, installed by ./lab test)
 * on a real local lab: what a trainer sees and clicks. Screenshots go to target/ui/ on every run.
 */
class LabPageIT {
    static final Path SHOTS = Path.of(System.getProperty("lab.repo", ".")).resolve("target/ui");

    @TempDir
    Path dir;
    WebDriver browser;

    ProcessResult lab(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LauncherIT.LAB.toString()));
        cmd.addAll(List.of(args));
        return new ProcessExecutor().command(cmd).directory(dir.toFile()).readOutput(true).redirectErrorStream(true)
                .timeout(2, TimeUnit.MINUTES).execute();
    }

    @BeforeEach
    void browser() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100",
                "--disable-gpu", "--no-first-run", "--disable-extensions");
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(driver, o);
    }

    @AfterEach
    void down() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        for (String name : LabDir.list(dir)) {
            lab("down", "--name", name);
        }
    }

    String url(String... args) throws Exception {
        ProcessResult ui = lab(args);
        assertEquals(0, ui.getExitValue(), ui.outputUTF8());
        return ui.outputUTF8().lines().filter(l -> l.startsWith("http://127.0.0.1:")).findFirst().orElseThrow();
    }

    void shot(String name) throws Exception {
        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve(name + ".png"),
                ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /** Read in the page in one go (the page changes elements in place several times a second). */
    Object js(String script, Object... args) {
        return ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(script, args);
    }

    String attr(String css, String attribute) {
        return (String) js("const e = document.querySelector(arguments[0]); return e && e.getAttribute(arguments[1]);",
                css, attribute);
    }

    String text(String css) {
        return (String) js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css);
    }

    void click(String css) {
        browser.findElement(By.cssSelector(css)).click();
    }

    @SuppressWarnings("unchecked")
    List<String> linkStates(String node) {
        return (List<String>) js("return [...document.querySelectorAll('line.link')].filter(l => l.dataset.link"
                + ".split('|').includes(arguments[0])).map(l => l.dataset.state);", node);
    }

    static int status(String url, String method) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.ofString("{\"verb\":\"heal\"}")) : b.GET();
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * Three members and their leader on the page; a click on the leader's kill button shows another leader and the
     * old one killed within 5 s; isolating a member draws its links cut, heal draws them whole again; requests
     * without the token, or actions with the read-only one, are refused.
     */
    @Test
    void thePageShowsTheLabAndItsButtonsBreakIt() throws Exception {
        assertEquals(0, lab("up", "--name", "pg").getExitValue());
        String url = url("ui", "--name", "pg");
        browser.get(url);
        Awaitility.await("the page to show 3 members and a leader").atMost(Duration.ofSeconds(15))
                .until(() -> browser.findElements(By.cssSelector("g.node[data-role=member]")).size() == 3
                        && "available".equals(attr("#quorum", "data-state")));
        String leader = attr("#quorum", "data-leader");
        assertTrue(leader.matches("core-0[123]"), leader);
        assertTrue(text("#quorum").startsWith("3 members, 2 needed, 3 running: available, leader " + leader),
                "the quorum in words: " + text("#quorum"));
        assertEquals("true", attr("g.node[data-node=" + leader + "]", "data-leader"));
        shot("page");

        click("#rows tr[data-node=" + leader + "] button[data-action=kill]");
        long clicked = System.nanoTime();
        Awaitility.await("another leader, the old one killed").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    String now = attr("#quorum", "data-leader");
                    return now != null && !now.isEmpty() && !now.equals(leader)
                            && "killed".equals(attr("g.node[data-node=" + leader + "]", "data-process"));
                });
        System.out.printf("the page showed a new leader %.2f s after the click on kill%n",
                (System.nanoTime() - clicked) / 1e9);
        Awaitility.await("the kill's output").atMost(Duration.ofSeconds(5))
                .until(() -> text("#result").contains("killed " + leader));
        assertTrue(text("#quorum").startsWith("3 members, 2 needed, 2 running: available"), text("#quorum"));
        shot("page-leader-killed");
        click("#rows tr[data-node=" + leader + "] button[data-action=start]");
        Awaitility.await("the old leader running again").atMost(Duration.ofSeconds(20))
                .until(() -> "running".equals(attr("g.node[data-node=" + leader + "]", "data-process"))
                        && "healthy".equals(text("#rows tr[data-node=" + leader + "] td:nth-child(9)")));

        String member = leader; // a follower now
        click("#rows tr[data-node=" + member + "] button[data-action=isolate]");
        Awaitility.await("its links drawn cut").atMost(Duration.ofSeconds(5))
                .until(() -> linkStates(member).equals(List.of("cut", "cut")));
        shot("page-isolated");
        click("button[data-action=heal]");
        Awaitility.await("every link whole").atMost(Duration.ofSeconds(5)).until(() -> (Boolean) js(
                "return [...document.querySelectorAll('line.link')].every(l => l.dataset.state === 'ok');"));

        // one-way block: drawn as an arrow from the member whose messages are dropped
        String other = member.equals("core-01") ? "core-02" : "core-01";
        click("#rows tr[data-node=" + member + "] button[data-action=block][data-to=" + other + "]");
        Awaitility.await("a one-way link").atMost(Duration.ofSeconds(5)).until(() -> {
            String link = "line.link[data-link='" + List.of(member, other).stream().sorted().reduce((a, b) -> a + "|"
                    + b).orElseThrow() + "']";
            return "oneway".equals(attr(link, "data-state")) && member.equals(attr(link, "data-from"));
        });
        click("button[data-action=heal]");

        // a key through the page
        browser.findElement(By.id("key")).clear();
        browser.findElement(By.id("key")).sendKeys("/from-the-page");
        click("button[data-action=put]");
        Awaitility.await("the put").atMost(Duration.ofSeconds(10))
                .until(() -> text("#result").contains("OK"));
        assertEquals("/from-the-page\nhello\n", lab("etcdctl", "--name", "pg", "--", "get", "/from-the-page")
                .outputUTF8());

        String base = url.substring(0, url.indexOf("/ui"));
        String readOnly = url("ui", "--name", "pg", "--read-only");
        assertEquals(403, status(base + "/ui", "GET"), "no token");
        assertEquals(403, status(base + "/ui?token=nope", "GET"), "a wrong token");
        assertEquals(403, status(base + "/ui/events", "GET"), "the stream without a token");
        assertEquals(403, status(base + "/ui/action", "POST"), "an action without a token");
        assertEquals(403, status(base + "/ui/action?" + readOnly.substring(readOnly.indexOf("token=")), "POST"),
                "an action with the read-only token");
        assertEquals(200, status(readOnly, "GET"));
        browser.get(readOnly);
        Awaitility.await("the read-only page").atMost(Duration.ofSeconds(10)).until(() ->
                attr("body", "class") != null && attr("body", "class").contains("read-only"));
        assertFalse(browser.findElement(By.cssSelector("#rows tr[data-node=core-01] button[data-action=kill]"))
                .isDisplayed(), "no buttons on the read-only page");
        shot("page-read-only");
    }

    /**
     * A scenario under `lab run --step` on the lab the page shows: its steps appear on the page as they happen, and
     * the page's "next step" advances the run as Enter would (the run's stdin never gets a line).
     */
    @Test
    void aRunningScenarioStreamsIntoThePageAndStepsFromIt() throws Exception {
        assertEquals(0, lab("up", "--name", "ps").getExitValue());
        Files.writeString(dir.resolve("steps.yaml"), String.join("\n", "name: page-steps", "use: existing",
                "steps:", "  - expect: {quorum: true}", "  - kill: follower", "  - expect: {healthy: 2, within: 10s}",
                "  - start: follower", "  - expect: {healthy: 3, within: 30s}", ""));
        browser.get(url("ui", "--name", "ps"));
        Awaitility.await("the page").atMost(Duration.ofSeconds(15))
                .until(() -> "available".equals(attr("#quorum", "data-state")));
        List<String> cmd = List.of(LauncherIT.LAB.toString(), "run", "steps.yaml", "--name", "ps", "--step");
        java.io.PipedOutputStream stdin = new java.io.PipedOutputStream(); // never written: only the page advances
        StartedProcess run = new ProcessExecutor().command(cmd).directory(dir.toFile()).readOutput(true)
                .redirectErrorStream(true).redirectInput(new java.io.PipedInputStream(stdin))
                .environment(Map.of()).timeout(3, TimeUnit.MINUTES).start();
        try {
            int clicks = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (System.nanoTime() < deadline && !timeline().contains("PASS page-steps")) {
                if (Boolean.TRUE.equals(js("return !document.querySelector('#step').hidden;"))) {
                    String waitingFor = text("#step-text");
                    click("#step button[data-action=advance]");
                    clicks++;
                    Awaitility.await("the run to go on past " + waitingFor).atMost(Duration.ofSeconds(60))
                            .until(() -> !waitingFor.equals(text("#step-text")) || Boolean.TRUE.equals(
                                    js("return document.querySelector('#step').hidden;")));
                }
                Thread.sleep(100);
            }
            shot("page-scenario");
            String t = timeline();
            assertTrue(t.contains("PASS page-steps"), t);
            assertEquals(5, clicks, "one click per step: " + t);
            int kill = t.indexOf("kill core-0");
            int start = t.indexOf("start core-0");
            assertTrue(kill > 0 && start > kill, "the steps in their order, with the node the selector took: " + t);
            String killed = t.substring(kill + 5, kill + 12);
            assertEquals(killed, t.substring(start + 6, start + 13), "start: follower took the node kill: follower "
                    + "took");
            ProcessResult r = run.getFuture().get(60, TimeUnit.SECONDS);
            assertEquals(0, r.getExitValue(), r.outputUTF8());
            assertTrue(r.outputUTF8().contains("(advanced from the lab's page)"), r.outputUTF8());
        } finally {
            stdin.close();
            run.getProcess().destroy();
        }
    }

    String timeline() {
        return (String) js("return [...document.querySelectorAll('#timeline li')].map(l => l.textContent).join('\\n');");
    }

    /** A backend past its quota: the page names the NOSPACE alarm and the way out, and drops it once disarmed. */
    @Test
    void thePageShowsTheNospaceAlarm() throws Exception {
        Files.writeString(dir.resolve("lab.yaml"), "name: full\nnodes: 1\netcd: {quota-backend-bytes: 1MiB}\n");
        assertEquals(0, lab("up").getExitValue());
        browser.get(url("ui"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "available".equals(attr("#quorum",
                "data-state")));
        assertEquals("", attr("#alarms", "hidden"), "no alarm yet: hidden");
        String big = "x".repeat(100 * 1024);
        for (int i = 0; i < 40 && lab("etcdctl", "--", "put", "/big", big).getExitValue() == 0; i++) {
            // each write keeps the old value until a compaction: 1 MiB is reached within a dozen
        }
        Awaitility.await("the alarm on the page").atMost(Duration.ofSeconds(5)).until(() -> attr("#alarms",
                "hidden") == null);
        assertEquals("alarm: NOSPACE on core-01 (writes are refused: compact, defragment, then disarm)",
                text("#alarms"));
        shot("nospace");
        // The way out the page names, in its order. A disarm alone does not last: the backend is still past its
        // quota, and the next write (the page's own probe writes four times a second) raises NOSPACE again
        // (etcd 3.4 server/etcdserver/apply.go, quotaApplierV3), as the page then rightly shows.
        ProcessResult get = lab("etcdctl", "--", "get", "/big", "--keys-only", "-w", "json");
        java.util.regex.Matcher rev = java.util.regex.Pattern.compile("\"revision\":(\\d+)").matcher(get.outputUTF8());
        assertTrue(rev.find(), get.outputUTF8());
        assertEquals(0, lab("etcdctl", "--", "compact", rev.group(1)).getExitValue());
        assertEquals(0, lab("etcdctl", "--", "defrag").getExitValue());
        assertEquals(0, lab("etcdctl", "--", "alarm", "disarm").getExitValue());
        Awaitility.await("the alarm gone from the page").atMost(Duration.ofSeconds(5)).until(() -> attr("#alarms",
                "hidden") != null);
        assertEquals(0, lab("etcdctl", "--", "put", "/after", "x").getExitValue(), "writable again");
        Thread.sleep(1000); // four rounds of the page's write probe: the alarm stays down
        assertNotNull(attr("#alarms", "hidden"), "no alarm after the way out: " + text("#alarms"));
    }
}
