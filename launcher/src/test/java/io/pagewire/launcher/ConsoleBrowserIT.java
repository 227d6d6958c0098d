package io.pagewire.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pagewire.kafka.embedded.EmbeddedKafka;
import io.pagewire.platform.http.Json;
import io.pagewire.testsupport.RequiredTool;
import io.pagewire.testsupport.WebhookReceiver;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser: Debian's headless Chromium driven through chromedriver by
 * Selenium, against the whole pipeline with per-user tokens configured (so the console asks for a
 * sign-in). One pipeline and one browser for every check, in the order an on-call engineer would
 * go: sign in, watch an alert appear live, acknowledge it, act on its page, add an override,
 * silence an alert, sign out. The browser's console log and its network log must show no error
 * and no failed request throughout.
 *
 * <p>Screenshots of the incident list, an incident and the on-call view are written to
 * {@code target/screenshots}, and to {@code docs/} with {@code -Dconsole.screenshots=docs} (how
 * the README's were made).
 */
class ConsoleBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration LIVE = Duration.ofSeconds(2);
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  static String config(WebhookReceiver receiver) {
    return """
        http: {port: ${HTTP_PORT}}
        sla:
          P0: {acknowledgeWithin: 15m, escalateEvery: 15m, resolveWithin: 4h}
        users:
          alice: {name: Alice, apiToken: alice-console-token, operator: true}
          bob: {name: Bob, apiToken: bob-console-token}
          carol: {name: Carol}
        escalation:
          sweepInterval: 200ms
          schedules:
            payments-primary:
              zone: Europe/Berlin
              layers:
                - {name: weeks, users: [alice, bob], start: 2026-03-23, handoff: "09:00", length: weekly}
                - {name: nights, users: [carol], start: 2026-03-23, handoff: "18:00", length: daily, window: {from: "18:00", to: "09:00"}}
          policies:
            payments:
              steps:
                - {delay: 15m, targets: [{schedule: payments-primary}]}
                - {delay: 30m, targets: [{user: carol}]}
          defaultPolicies: {P0: payments}
        notifier:
          channels:
            hook: {type: webhook, url: "%s"}
          retry: {initialBackoff: 100ms, maxBackoff: 1s, giveUpAfter: 30s}
        """.formatted(receiver.url());
  }

  @Test
  void shouldServeALiveConsoleThatAnOnCallEngineerCanUseInARealBrowser(@TempDir Path dir) throws Exception {
    RequiredTool.require(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "no Chromium and chromedriver at " + CHROMIUM + ", " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        WebhookReceiver receiver = new WebhookReceiver();
        TestPipeline pipeline = new TestPipeline(kafka, dir.resolve("streams"), config(receiver))) {
      WebDriver browser = chromium(dir.resolve("chromium-profile"));
      try {
        String base = pipeline.baseUrl();
        HttpClient http = HttpClient.newHttpClient();
        // The list re-renders its rows on every change, so an element found a moment ago may be replaced.
        var wait = new WebDriverWait(browser, PATIENCE).ignoring(StaleElementReferenceException.class);

        // Incidents already open when the engineer arrives; the first one also warms the pipeline
        // up (its first transactions), so the 2 s below measure the console, not a cold start.
        post(http, base, alert("PaymentsLatencyHigh", "payments", "warning", "Payments p99 latency above 2s"));
        post(http, base, alert("QueueBacklog", "billing", "error", "Billing queue backlog growing"));
        await("the incidents before").atMost(PATIENCE).until(() -> pipeline.incidents().size() == 2);

        // Sign-in: the list is behind it; a CSRF-less sign-in form post is refused.
        browser.get(base + "/");
        assertThat(browser.getCurrentUrl()).endsWith("/signin");
        String preSession = browser.manage().getCookieNamed("pagewire_session").getValue();
        HttpResponse<String> noCsrf = http.send(HttpRequest.newBuilder(URI.create(base + "/signin"))
            .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "pagewire_session=" + preSession)
            .POST(HttpRequest.BodyPublishers.ofString("token=alice-console-token")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(noCsrf.body()).path("error").asText()).isEqualTo("csrf_failed");
        browser.findElement(By.id("si-token")).sendKeys("alice-console-token");
        browser.findElement(By.cssSelector("form.signin button[type=submit]")).click();
        wait.until(d -> d.getCurrentUrl().equals(base + "/"));
        assertThat(browser.findElement(By.cssSelector("form.signout span")).getText()).isEqualTo("alice");
        var cookie = browser.manage().getCookieNamed("pagewire_session");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getValue()).isNotEqualTo(preSession);
        awaitLiveStream(browser);

        // An alert posted to the webhook appears in the already open list within 2 s, without a reload.
        mark(browser);
        long posted = post(http, base, alert("CheckoutDown", "checkout", "critical", "Checkout is failing for EU customers"));
        String rowText = new WebDriverWait(browser, LIVE).ignoring(StaleElementReferenceException.class)
            .until(d -> {
              WebElement row = rowWith(d, "Checkout is failing for EU customers");
              return row == null ? null : row.getAttribute("data-status") + " " + row.getText();
            });
        long appearedMillis = (System.nanoTime() - posted) / 1_000_000;
        assertThat(appearedMillis).isLessThan(LIVE.toMillis());
        assertThat(marked(browser)).as("the list was updated without a reload").isTrue();
        assertThat(rowText).startsWith("triggered").contains("P0").contains("SEV-1").contains("checkout").contains("left");
        screenshot(browser, "console-incidents.png");

        // Acknowledge in the list: the outcome shows, and the row's status changes.
        wait.until(d -> {
          rowWith(d, "Checkout is failing for EU customers").findElement(By.xpath(".//button[normalize-space()='Acknowledge']")).click();
          return true;
        });
        wait.until(d -> d.findElement(By.id("outcome")).getText().contains("accepted"));
        wait.until(d -> "acknowledged".equals(rowWith(d, "Checkout is failing for EU customers").getAttribute("data-status")));
        assertThat(marked(browser)).isTrue();

        // The incident page: alerts with labels, annotations and links; a note shows without a reload.
        wait.until(d -> {
          rowWith(d, "Checkout is failing for EU customers").findElement(By.tagName("a")).click();
          return true;
        });
        wait.until(d -> d.getCurrentUrl().contains("/incidents/"));
        awaitLiveStream(browser);
        String page = browser.findElement(By.id("detail")).getText();
        assertThat(page).contains("alertname=CheckoutDown").contains("Runbook").contains("acknowledged").contains("by alice");
        mark(browser);
        browser.findElement(By.id("c-text")).sendKeys("Payment provider answers 503; failing over");
        browser.findElement(By.xpath("//button[normalize-space()='Add note']")).click();
        wait.until(d -> d.findElement(By.id("outcome")).getText().contains("Note of"));
        wait.until(d -> d.findElement(By.id("detail")).getText().contains("Payment provider answers 503; failing over"));
        assertThat(marked(browser)).isTrue();
        screenshot(browser, "console-incident.png");

        // On call: who is on call, and an override added through the form appears.
        browser.get(base + "/oncall");
        assertThat(browser.findElement(By.id("oncall")).getText()).contains("payments-primary").contains("next 7 days");
        new Select(browser.findElement(By.id("o-user"))).selectByValue("carol");
        browser.findElement(By.xpath("//button[normalize-space()='Add override']")).click();
        wait.until(d -> d.findElement(By.id("oncall")).getText().contains("Override added"));
        assertThat(browser.findElement(By.cssSelector(".overrides")).getText()).contains("carol");
        screenshot(browser, "console-oncall.png");

        // Routes: the form answers as `pagewire routes test` does.
        browser.get(base + "/routes");
        browser.findElement(By.id("r-labels")).sendKeys("alertname=CheckoutDown service=checkout severity=critical");
        browser.findElement(By.xpath("//button[normalize-space()='Test']")).click();
        wait.until(d -> d.findElement(By.id("route-result")).getText().contains("priority:     P0"));

        // Silences: the preview names the firing alert; the silence mutes a new matching alert.
        post(http, base, alert("DiskFull", "db-1", "critical", "Disk full on db-1"));
        await("db-1 firing").atMost(PATIENCE).until(() -> PipelineIT.incident(pipeline, "Disk full on db-1") != null);
        browser.get(base + "/silences");
        browser.findElement(By.id("s-matchers")).sendKeys("alertname=\"DiskFull\"");
        wait.until(d -> d.findElement(By.id("preview")).getText().contains("1 firing alert would be muted"));
        browser.findElement(By.id("s-comment")).sendKeys("disks are being replaced");
        browser.findElement(By.xpath("//button[normalize-space()='Create silence']")).click();
        wait.until(d -> d.findElement(By.id("silences")).getText().contains("disks are being replaced"));
        post(http, base, alert("DiskFull", "db-2", "critical", "Disk full on db-2"));
        JsonNode muted = await("the muted incident").atMost(PATIENCE)
            .until(() -> PipelineIT.incident(pipeline, "Disk full on db-2"), i -> i != null);
        JsonNode timeline = await("its timeline says silenced").atMost(PATIENCE).until(
            () -> Json.MAPPER.readTree(pipeline.get("/api/v1/incidents/" + muted.path("id").asText()).body()).path("timeline"),
            t -> t.toString().contains("\"silenced\""));
        assertThat(timeline.toString()).doesNotContain("\"paged\"");

        // A state-changing console request without the CSRF token is refused, even with the session.
        String session = browser.manage().getCookieNamed("pagewire_session").getValue();
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(base + "/console/silences"))
            .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "pagewire_session=" + session)
            .POST(HttpRequest.BodyPublishers.ofString("matchers=alertname%3D%22X%22&end=1h&comment=forged")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(forged.body()).path("error").asText()).isEqualTo("csrf_failed");

        // Sign out: back to the sign-in page, and the list is out of reach again.
        browser.findElement(By.xpath("//button[normalize-space()='Sign out']")).click();
        wait.until(d -> d.getCurrentUrl().endsWith("/signin"));
        browser.get(base + "/");
        assertThat(browser.getCurrentUrl()).endsWith("/signin");

        assertThat(receiver.bodies("PAGE").stream().map(p -> p.path("incidentId").asText()))
            .as("the silenced incident paged nobody").doesNotContain(muted.path("id").asText());
        assertNoBrowserErrors(browser, base);
      } finally {
        browser.quit();
      }
    }
  }

  private static WebDriver chromium(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile, "--window-size=1280,1000");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    WebDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1280, 1000));
    return driver;
  }

  /** Waits until the page's event stream is open, so a change from now on reaches it. */
  private static void awaitLiveStream(WebDriver browser) {
    new WebDriverWait(browser, PATIENCE).until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
        "var el = document.querySelector('[sse-connect]');"
            + " var src = el && el['htmx-internal-data'] && el['htmx-internal-data'].sseEventSource;"
            + " return !!src && src.readyState === 1;")));
  }

  private static void mark(WebDriver browser) {
    ((JavascriptExecutor) browser).executeScript("window.__pagewireNotReloaded = true;");
  }

  private static boolean marked(WebDriver browser) {
    return Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript("return window.__pagewireNotReloaded === true;"));
  }

  private static WebElement rowWith(WebDriver browser, String title) {
    List<WebElement> rows = browser.findElements(By.xpath("//tbody[@id='rows']/tr[.//a[normalize-space()='" + title + "']]"));
    return rows.isEmpty() ? null : rows.get(0);
  }

  /** Posts one firing alert to the webhook; returns System.nanoTime() when it was accepted. */
  private static long post(HttpClient http, String base, String body) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/alerts/alertmanager"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return System.nanoTime();
  }

  private static String alert(String alertname, String service, String severity, String summary) {
    return """
        {"receiver": "pagewire", "status": "firing", "version": "4", "groupKey": "{}:{alertname=\\"%1$s\\"}",
         "externalURL": "http://alertmanager:9093", "groupLabels": {"alertname": "%1$s"}, "commonLabels": {},
         "commonAnnotations": {}, "truncatedAlerts": 0,
         "alerts": [{"status": "firing", "fingerprint": "%1$s-%2$s", "startsAt": "%5$s", "endsAt": "0001-01-01T00:00:00Z",
           "labels": {"alertname": "%1$s", "service": "%2$s", "severity": "%3$s", "region": "eu-west-1"},
           "annotations": {"summary": "%4$s", "description": "Error rate above 20%% for 5 minutes",
             "runbook_url": "https://runbooks.example.com/%1$s"},
           "generatorURL": "http://prometheus:9090/graph?g0.expr=up"}]}
        """.formatted(alertname, service, severity, summary, Instant.now().minusSeconds(60));
  }

  private static void screenshot(WebDriver browser, String name) throws Exception {
    ((JavascriptExecutor) browser).executeScript("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
    Path shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Path dir = Path.of("target", "screenshots");
    Files.createDirectories(dir);
    Files.copy(shot, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    if ("docs".equals(System.getProperty("console.screenshots"))) {
      Files.copy(shot, Path.of("..", "docs", name), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** No console error and no failed request (status 400 or more, or a load that failed) in the whole session. */
  private static void assertNoBrowserErrors(WebDriver browser, String base) throws Exception {
    List<String> errors = new ArrayList<>();
    int requests = 0;
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
        errors.add("console: " + entry.getMessage());
      }
    }
    Map<String, String> urls = new HashMap<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode message = Json.MAPPER.readTree(entry.getMessage()).path("message");
      String method = message.path("method").asText();
      JsonNode params = message.path("params");
      String requestId = params.path("requestId").asText();
      if (method.equals("Network.requestWillBeSent")) {
        urls.put(requestId, params.path("request").path("url").asText());
      }
      // Only the console's own requests: the browser's built-in pages (the new-tab page) load things of their own.
      String url = urls.getOrDefault(requestId, params.path("response").path("url").asText(""));
      if (!url.startsWith(base)) {
        continue;
      }
      if (method.equals("Network.responseReceived") && params.path("response").path("status").asInt() >= 400) {
        errors.add("request: " + params.path("response").path("status").asInt() + " " + url);
      }
      if (method.equals("Network.loadingFailed") && !params.path("canceled").asBoolean(false)) {
        errors.add("request failed: " + params.path("errorText").asText() + " " + url);
      }
      if (method.equals("Network.requestWillBeSent")) {
        requests++;
      }
    }
    assertThat(requests).as("requests the console made").isGreaterThan(10);
    assertThat(errors).as("browser errors and failed requests").isEmpty();
  }

}
