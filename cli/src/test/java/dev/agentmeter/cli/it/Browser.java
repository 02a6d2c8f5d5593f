package dev.agentmeter.cli.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium for browser tests: Debian's {@code chromium} driven through its
 * {@code chromium-driver}, never a downloaded one (the paths are given, so Selenium Manager is not
 * asked). Missing browser: the test is skipped, unless {@code AGENTMETER_REQUIRE_BROWSER} is set
 * (CI sets it, after installing both), where it fails.
 */
final class Browser {

    static final String CHROMIUM = System.getenv().getOrDefault("AGENTMETER_CHROMIUM", "/usr/bin/chromium");
    static final String DRIVER = System.getenv().getOrDefault("AGENTMETER_CHROMEDRIVER", "/usr/bin/chromedriver");

    private Browser() {}

    /** A fresh browser with its own profile, {@code width} px wide. */
    static ChromeDriver start(Path profiles, int width, int height) throws IOException {
        boolean present = new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute();
        if (System.getenv("AGENTMETER_REQUIRE_BROWSER") != null && !present) {
            throw new IllegalStateException(
                    "browser tests need " + CHROMIUM + " and " + DRIVER + ": apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(
                present, "no " + CHROMIUM + " / " + DRIVER + " (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=" + width + "," + height,
                "--user-data-dir=" + Files.createTempDirectory(profiles, "chromium-"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }
}
