// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, against the running app (APP) and a
// host page on another origin (HOST_PAGE). Started by run.sh, which sets the environment below. Every wait is
// bounded; the whole run is capped by a watchdog. Exits 1 with the list of failures, 0 when all checks pass.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run tests/browser/run.sh)`);
  return value;
};
const APP = env('APP');                 // http://127.0.0.1:PORT, also the app's BaseUrl
const HOST_PAGE = env('HOST_PAGE');     // http://127.0.0.1:OTHER/host.html: strict CSP, hostile CSS
const OPEN_PAGE = env('OPEN_PAGE');     // http://127.0.0.1:OTHER/open.html: no CSP, so injected markup would run
const SLUG = env('SLUG');
const XSS_TITLE = env('XSS_TITLE');
const NORMAL_TITLE = env('NORMAL_TITLE');
const OLDER_TITLE = env('OLDER_TITLE');
const XSS_POST = env('XSS_POST');       // path of the XSS post's page
const ARTIFACTS = env('ARTIFACTS');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const WATCHDOG_MS = 180_000;
const WAIT_MS = 10_000;

setTimeout(() => { console.error('browser: FAILED: the whole check took longer than the watchdog allows'); process.exit(1); }, WATCHDOG_MS).unref();

const failures = [];
const t0 = Date.now();
const log = (message) => console.log(`[chromium ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${message}`);
const check = (ok, message) => { if (!ok) { failures.push(message); console.error(`browser: FAIL: ${message}`); } return ok; };

mkdirSync(ARTIFACTS, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'feedservice-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1100, height: 900 },
  timeout: 30_000,
});
context.setDefaultTimeout(WAIT_MS);
context.setDefaultNavigationTimeout(15_000);

/** A page that records what a visitor must never see: dialogs (alert from injected markup), console errors, page errors. */
async function openPage(label) {
  const page = await context.newPage();
  const problems = { dialogs: [], errors: [] };
  page.on('dialog', async (dialog) => { problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`); await dialog.dismiss().catch(() => {}); });
  // CSP violations ("Refused to load/apply/execute ...") are console errors too.
  page.on('console', (message) => { if (message.type() === 'error') problems.errors.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => problems.errors.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  const done = async () => {
    await page.waitForTimeout(300); // an onerror handler or a late CSP report would have fired by now
    check(problems.dialogs.length === 0, `${label}: dialogs opened: ${problems.dialogs.join(' | ')}`);
    check(problems.errors.length === 0, `${label}: errors: ${problems.errors.join(' | ')}`);
  };
  return { page, done };
}

try {
  // ------------------------------------------------------------------ the widgets on another site's page
  {
    const { page, done } = await openPage('host page');
    const response = await page.goto(HOST_PAGE, { waitUntil: 'load' });
    check(response?.ok(), `host page answered ${response?.status()}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-feedservice-widget]').length === 2, null, { timeout: WAIT_MS });

    const widgets = await page.evaluate(() => [...document.querySelectorAll('[data-feedservice-widget]')].map((host) => {
      const root = host.shadowRoot;
      const style = (el) => (el ? getComputedStyle(el) : null);
      const title = root?.querySelector('li a.title');
      const box = root?.querySelector('.widget');
      return {
        slug: host.getAttribute('data-feedservice-widget'),
        previous: host.previousElementSibling?.getAttribute('data-count'),
        hasShadow: !!root,
        titles: root ? [...root.querySelectorAll('li a.title')].map((a) => a.textContent) : [],
        hrefs: root ? [...root.querySelectorAll('li a.title')].map((a) => a.href) : [],
        dates: root ? [...root.querySelectorAll('li time')].map((t) => t.getAttribute('datetime')) : [],
        excerpts: root ? root.querySelectorAll('.excerpt').length : -1,
        imgs: root ? root.querySelectorAll('img').length : -1,
        hostDisplay: style(host).display,
        height: host.getBoundingClientRect().height,
        titleColor: style(title)?.color,
        titleFont: style(title)?.fontFamily,
        liDisplay: style(root?.querySelector('li'))?.display,
        boxFontSize: style(box)?.fontSize,
        boxBackground: style(box)?.backgroundColor,
        linkTransform: style(title)?.textTransform,
      };
    }));
    log(`widgets on ${HOST_PAGE}: ${JSON.stringify(widgets.map((w) => ({ count: w.previous, titles: w.titles })))}`);
    const [one, two] = widgets;
    check(widgets.every((w) => w.hasShadow), 'a widget has no shadow root');
    check(widgets.every((w) => w.slug === SLUG), `widgets render another slug: ${widgets.map((w) => w.slug)}`);
    // Each renders right after its own tag, with its own data-count and data-excerpt.
    check(one.previous === '1' && two.previous === '2', `widgets are not right after their script tags (${one.previous}, ${two.previous})`);
    check(JSON.stringify(one.titles) === JSON.stringify([NORMAL_TITLE]), `widget 1 (data-count=1) shows ${JSON.stringify(one.titles)}`);
    check(JSON.stringify(two.titles) === JSON.stringify([NORMAL_TITLE, XSS_TITLE]), `widget 2 (data-count=2) shows ${JSON.stringify(two.titles)}`);
    check(one.excerpts === 0 && two.excerpts === 2, `excerpts: widget 1 has ${one.excerpts} (want 0), widget 2 has ${two.excerpts} (want 2)`);
    check(two.hrefs.every((h) => h.startsWith(`${APP}/posts/`)), `widget links do not point at the posts: ${two.hrefs}`);
    check(two.dates.every((d) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(d)), `widget dates: ${two.dates}`);
    check(widgets.every((w) => w.imgs === 0), 'the markup title became an <img> inside a widget');
    // The host page's hostile CSS (see host.css) reaches neither the host element nor the shadow tree.
    for (const [i, w] of widgets.entries()) {
      check(w.hostDisplay === 'block' && w.height > 40, `widget ${i + 1}: host element display ${w.hostDisplay}, height ${w.height} (the host page's "div { display: none !important }" won)`);
      check(w.titleColor === 'rgb(11, 87, 208)', `widget ${i + 1}: title colour ${w.titleColor} (the host page's colours leaked in)`);
      check(!/serif/.test(w.titleFont) || /sans-serif/.test(w.titleFont), `widget ${i + 1}: font ${w.titleFont}`);
      check(w.liDisplay === 'block', `widget ${i + 1}: list items display ${w.liDisplay}`);
      check(w.boxFontSize === '15px', `widget ${i + 1}: font size ${w.boxFontSize}`);
      check(w.boxBackground === 'rgb(255, 255, 255)', `widget ${i + 1}: background ${w.boxBackground}`);
      check(w.linkTransform === 'none', `widget ${i + 1}: text-transform ${w.linkTransform}`);
    }

    // The iframe document, from the app's origin inside the host page.
    const frameElement = await page.waitForSelector('iframe#feedservice-frame', { timeout: WAIT_MS });
    const frame = await frameElement.contentFrame();
    check(!!frame, 'the iframe has no document');
    if (frame) {
      await frame.waitForSelector('li a.title', { timeout: WAIT_MS });
      const inFrame = await frame.evaluate(() => ({
        titles: [...document.querySelectorAll('li a.title')].map((a) => a.textContent),
        targets: [...document.querySelectorAll('a')].map((a) => `${a.target}/${a.rel}`),
        excerpts: document.querySelectorAll('.excerpt').length,
        imgs: document.querySelectorAll('img').length,
        color: getComputedStyle(document.querySelector('li a.title')).color,
        origin: location.origin,
      }));
      log(`iframe (${inFrame.origin}): ${JSON.stringify(inFrame.titles)}`);
      check(JSON.stringify(inFrame.titles) === JSON.stringify([NORMAL_TITLE, XSS_TITLE, OLDER_TITLE]), `iframe shows ${JSON.stringify(inFrame.titles)}`);
      check(inFrame.targets.every((t) => t === '_blank/noopener'), `iframe links: ${inFrame.targets}`);
      check(inFrame.excerpts === 3, `iframe excerpts: ${inFrame.excerpts}`);
      check(inFrame.imgs === 0, 'the markup title became an <img> in the iframe');
      check(inFrame.color === 'rgb(11, 87, 208)', `iframe link colour ${inFrame.color}: its stylesheet (allowed by hash) did not apply`);
    }
    // Nor does the widgets' CSS reach the host page.
    const hostLink = await page.evaluate(() => getComputedStyle(document.getElementById('host-link')).color);
    check(hostLink === 'rgb(0, 170, 0)', `the host page's own link is ${hostLink}, not the host's colour: the widget's CSS leaked out`);
    const stray = await page.evaluate(() => document.querySelectorAll('img[src="x"], img[src$="/x"]').length);
    check(stray === 0, `the host page has ${stray} img with src=x`);
    await page.screenshot({ path: join(ARTIFACTS, 'host-page-widgets.png'), fullPage: true });
    await done();
  }

  // ------------------------------------------------------------------ the same on a page without CSP
  {
    const { page, done } = await openPage('page without CSP');
    const response = await page.goto(OPEN_PAGE, { waitUntil: 'load' });
    check(response?.ok(), `${OPEN_PAGE} answered ${response?.status()}`);
    await page.waitForFunction(() => document.querySelector('[data-feedservice-widget]')?.shadowRoot?.querySelector('li'), null, { timeout: WAIT_MS });
    const frame = await (await page.waitForSelector('iframe#feedservice-frame', { timeout: WAIT_MS })).contentFrame();
    await frame?.waitForSelector('li a.title', { timeout: WAIT_MS });
    const seen = await page.evaluate(() => {
      const root = document.querySelector('[data-feedservice-widget]').shadowRoot;
      return { titles: [...root.querySelectorAll('li a.title')].map((a) => a.textContent), imgs: root.querySelectorAll('img').length + document.querySelectorAll('img').length };
    });
    const frameImgs = frame ? await frame.evaluate(() => document.querySelectorAll('img').length) : -1;
    check(seen.titles.includes(XSS_TITLE), `without CSP the widget shows ${JSON.stringify(seen.titles)}`);
    check(seen.imgs === 0 && frameImgs === 0, `without CSP an <img> exists (widget/page ${seen.imgs}, iframe ${frameImgs})`);
    log(`${OPEN_PAGE}: ${seen.titles.length} posts, no img, no dialog so far`);
    await done();
  }

  // ------------------------------------------------------------------ our pages: autodiscovery, CSS, no errors
  const pages = [
    { label: 'home', path: '/', feeds: ['all', SLUG] },
    { label: 'category', path: `/categories/${SLUG}`, feeds: [SLUG] },
    { label: 'xss post', path: XSS_POST, feeds: [SLUG] },
    { label: 'demo post', path: '/posts/1', feeds: ['hm-probation-inspectorate'] },
  ];
  for (const { label, path, feeds } of pages) {
    const { page, done } = await openPage(`${label} page ${path}`);
    const response = await page.goto(`${APP}${path}`, { waitUntil: 'load' });
    check(response?.status() === 200, `${path} answered ${response?.status()}`);
    const found = await page.evaluate(() => ({
      alternates: [...document.querySelectorAll('link[rel=alternate]')].map((l) => ({ type: l.type, href: l.href, title: l.title })),
      h1: document.querySelector('h1')?.textContent,
      maxWidth: getComputedStyle(document.body).maxWidth,
      imgs: document.querySelectorAll('img[src="x"]').length,
      lang: document.documentElement.lang,
    }));
    for (const slug of feeds) {
      for (const [ext, type] of [['rss', 'application/rss+xml'], ['atom', 'application/atom+xml'], ['json', 'application/feed+json']]) {
        const href = `${APP}/feeds/${slug}.${ext}`;
        const link = found.alternates.find((a) => a.type === type && a.href === href);
        if (check(link && link.title, `${path}: no <link rel="alternate" type="${type}" href="${href}" title=…>`)) {
          const feed = await page.request.get(href, { timeout: WAIT_MS });
          check(feed.status() === 200 && feed.headers()['content-type']?.startsWith(type), `${href} (autodiscovered on ${path}) answered ${feed.status()} ${feed.headers()['content-type']}`);
        }
      }
    }
    check(found.maxWidth === '736px', `${path}: the stylesheet did not apply (body max-width ${found.maxWidth})`);
    check(found.imgs === 0, `${path}: an img with src=x exists`);
    check(found.lang === 'en', `${path}: lang ${found.lang}`);
    if (label === 'xss post') check(found.h1 === XSS_TITLE, `${path}: h1 is ${JSON.stringify(found.h1)}`);
    log(`${path}: ${found.alternates.length} alternate links, h1 ${JSON.stringify(found.h1)}`);
    await page.screenshot({ path: join(ARTIFACTS, `page-${label.replace(/\W+/g, '-')}.png`), fullPage: true });
    if (label === 'category') {
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      check(overflow <= 0, `${path}: on a 390 px phone the page scrolls sideways by ${overflow}px`);
      await page.screenshot({ path: join(ARTIFACTS, 'page-category-phone.png'), fullPage: false });
    }
    await done();
  }
} catch (error) {
  failures.push(`crashed: ${error?.stack || error}`);
  console.error(`browser: FAIL: crashed: ${error?.stack || error}`);
} finally {
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}

log(`screenshots in ${ARTIFACTS}`);
if (failures.length > 0) {
  console.error(`\nbrowser: ${failures.length} check(s) failed:`);
  for (const f of failures) console.error(` - ${f}`);
  process.exit(1);
}
log('all browser checks passed');
