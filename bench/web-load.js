// Times the web UI's inbox in Debian's Chromium (headless, through puppeteer-core): from the start
// of navigation to the first page of messages drawn (the list no longer aria-busy, with messages
// or with none), as the page itself notes it, the cache off, N times.
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
      // The page notes the moment its first page is drawn itself: asked for from here afterwards, the
      // time would include the DevTools round trips (20-60 ms on a slow machine), not only the page's.
      await page.evaluateOnNewDocument(() => {
        // The list is busy until the server's first answer is drawn, whether it holds messages or none.
        const drawn = () => document.querySelector("#inbox[aria-busy=false]") !== null;
        new MutationObserver((changes, observer) => {
          if (drawn()) { window.inboxDrawnAt = performance.now(); observer.disconnect(); }
        }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
      });
      await page.goto(url, { waitUntil: "domcontentloaded" });
      await page.waitForFunction(() => window.inboxDrawnAt !== undefined, { polling: 10, timeout: 10000 });
      const drawn = await page.evaluate(() => window.inboxDrawnAt);
      if (i >= 0) console.log(drawn.toFixed(1));
      await page.close();
    }
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
