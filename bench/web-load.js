// Times the web UI's inbox in Debian's Chromium (headless, through puppeteer-core): from the start
// of navigation to the first page of messages drawn (#page-info filled), the cache off, N times.
// Prints the timings in milliseconds, one per line, after one unmeasured load that starts the
// browser's own machinery. Used by bench/web.sh.
const puppeteer = require("puppeteer-core");

(async () => {
  const [url, runs] = [process.argv[2], Number(process.argv[3] || 20)];
  const browser = await puppeteer.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
  });
  try {
    // The browser's own first page (its process and caches starting) is not the page's time.
    for (let i = -1; i < runs; i++) {
      const page = await browser.newPage();
      await page.setCacheEnabled(false);
      await page.goto(url, { waitUntil: "domcontentloaded" });
      await page.waitForFunction(() => document.querySelector("#page-info").textContent.length > 0
        || !document.querySelector("#inbox-empty").hidden, { polling: "raf", timeout: 10000 });
      const drawn = await page.evaluate(() => performance.now());
      if (i >= 0) console.log(drawn.toFixed(1));
      await page.close();
    }
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
