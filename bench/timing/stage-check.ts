/**
 * Browser check of TrialStage (not a timed bench): bundles stage-page.tsx with React (as an ES
 * module, with presenter.worker.ts bundled next to it as Next serves it), serves it with generated
 * PNG stimuli on 127.0.0.1, and drives Debian's Chromium through a timed and an untimed trial:
 * the worker presenter is used, keys before the prompt are ignored, one answer per trial, the
 * stimulus is on screen in the untimed trial, feedback shows, the answers carry frames and
 * timestamps.
 *
 *   npx tsx bench/timing/stage-check.ts [--strict] [--presenter worker|main]
 *     --strict: inside React's StrictMode, as under next dev;
 *     --presenter main: with transferControlToOffscreen removed, so TrialStage must fall back to the main thread.
 *
 * Prints what it checked and exits non-zero on the first failed check; JSON summary as the last line.
 */
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../tests/support/chromium";
import { bundleForBrowser } from "./bundle";
import postcss from "postcss";
import tailwind from "@tailwindcss/postcss";
import sharp from "sharp";
import type { TrialAnswer, TrialSpec } from "@/components/trial/types";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");

async function png(r: number, g: number, b: number): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b } } }).png().toBuffer();
}

async function main(): Promise<void> {
  const worker = await bundleForBrowser(path.join(root, "components/trial/presenter.worker.ts"));
  const script = await bundleForBrowser(path.join(here, "stage-page.tsx"), {
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"development"' },
  });
  // The real Tailwind build of the trial components, so layout checks mean something.
  const css = (
    await postcss([tailwind({ base: root }) as postcss.AcceptedPlugin]).process(`@import "tailwindcss" source(none);\n@source "${path.join(root, "components/trial")}";`, {
      from: path.join(here, "stage.css"),
    })
  ).css;
  const images: Record<string, Buffer> = {
    "/api/stimuli/tokA": await png(200, 40, 40),
    "/api/stimuli/tokB": await png(40, 200, 40),
    "/masks/1": await png(10, 10, 10),
    "/masks/2": await png(20, 20, 20),
    "/masks/3": await png(30, 30, 30),
    "/masks/4": await png(40, 40, 40),
  };
  const masks = [1, 2, 3, 4].map((k) => ({ url: `/masks/${k}`, frames: 2 }));
  const base = { blockSize: 2, totalTrials: 2, block: 0, countdown: { steps: 3, stepMs: 500 }, keys: { real: "f", generated: "j" } };
  const trials: TrialSpec[] = [
    { ...base, index: 0, blockTrial: 0, protocol: "hype_time", stimulusUrl: "/api/stimuli/tokA", exposure: { ms: 500, frames: 30 }, masks },
    { ...base, index: 1, blockTrial: 1, protocol: "hype_inf", stimulusUrl: "/api/stimuli/tokB", exposure: null, masks: [] },
  ];
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head><body style="margin:0"><div id="root"></div>
<script>window.stageTrials=${JSON.stringify(trials)}</script><script type="module" src="/stage.js"></script></body></html>`;
  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    if (url.startsWith("/stage.js")) res.writeHead(200, { "Content-Type": "text/javascript" }).end(script);
    else if (url === "/presenter.worker.ts") res.writeHead(200, { "Content-Type": "text/javascript" }).end(worker);
    else if (images[url]) res.writeHead(200, { "Content-Type": "image/png" }).end(images[url]);
    else if (url === "/" || url.startsWith("/?")) res.writeHead(200, { "Content-Type": "text/html" }).end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  const presenterArg = process.argv.indexOf("--presenter");
  const expected = presenterArg >= 0 ? process.argv[presenterArg + 1] : "worker";
  if (expected !== "worker" && expected !== "main") throw new Error(`--presenter worker|main, got ${expected}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const checks: string[] = [];
  const ok = (what: string) => {
    checks.push(what);
    console.log(`ok  ${what}`);
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/?hz=60&presenter=${expected}${process.argv.includes("--strict") ? "&strict=1" : ""}`);
    const real = page.locator("button[aria-keyshortcuts='F']");

    // The page drives itself (stage-page.tsx); here we watch the screen and check the record.
    await page.getByText("3", { exact: true }).waitFor();
    ok("countdown shows 3");
    const before = (await real.boundingBox())!;
    await page.getByText("Correct", { exact: true }).waitFor();
    ok("feedback 'Correct' shows");
    assert.deepEqual(await real.boundingBox(), before, "answer buttons did not move");
    ok("no layout shift of the answer buttons between countdown and feedback");
    await page.waitForFunction(() => window.stageCheck.untimedPrompt);
    // The canvas may belong to the worker (transferControlToOffscreen): read it from the screen.
    const shot = await page.locator("canvas").screenshot();
    const { data, info } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
    const at = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
    const untimedPixel = [data[at]!, data[at + 1]!, data[at + 2]!];
    await page.locator("button[aria-keyshortcuts='J']").click();
    await page.getByText("Incorrect", { exact: true }).waitFor();
    ok("feedback 'Incorrect' shows after a click");
    await page.locator("#all-done").waitFor();
    const record = await page.evaluate(() => window.stageCheck);
    assert.ok(record.earlyKeys.includes("countdown") && record.earlyKeys.includes("presenting"), `early keys in ${record.earlyKeys}`);
    ok(`keys pressed during ${[...new Set(record.earlyKeys)].join(" and ")} were ignored`);
    assert.ok(
      untimedPixel.every((v, i) => Math.abs(v - [40, 200, 40][i]!) <= 2),
      `untimed stimulus is on screen while the prompt is up (centre pixel ${untimedPixel})`,
    );
    ok(`untimed stimulus stays on the canvas with the prompt (centre pixel ${untimedPixel})`);
    assert.deepEqual(record.presenters, [expected, expected], `presenters ${record.presenters}`);
    ok(`trials presented by the ${expected} presenter`);
    assert.deepEqual(record.finished, [0, 1]);
    ok(`phases: ${record.phases.join(" → ")}`);

    const answers = await page.evaluate(() => window.stageCheck.answers);
    assert.equal(answers.length, 2, "one answer per trial");
    const [a0, a1] = answers as [TrialAnswer, TrialAnswer];
    assert.equal(a0.index, 0);
    assert.equal(a0.answer, "real");
    assert.equal(a0.requestedFrames, 30);
    assert.equal(a0.presentedFrames, 30, `presented ${a0.presentedFrames} frames (${a0.measuredMs} ms), flags ${a0.flags}`);
    assert.ok(a0.clientTimes.stimulusOnset! < a0.clientTimes.stimulusOffset! && a0.clientTimes.stimulusOffset! < a0.clientTimes.responseAt);
    ok(`timed answer: 30 frames requested, ${a0.presentedFrames} presented, ${a0.measuredMs?.toFixed(2)} ms, flags [${a0.flags}]`);
    assert.equal(a1.answer, "generated");
    assert.equal(a1.requestedFrames, null);
    assert.equal(a1.measuredMs, null);
    assert.ok(a1.clientTimes.stimulusOnset! < a1.clientTimes.responseAt);
    ok(`untimed answer: no frames, onset→response ${(a1.clientTimes.responseAt - a1.clientTimes.stimulusOnset!).toFixed(0)} ms, flags [${a1.flags}]`);
    assert.deepEqual(errors, [], "no page errors");
    ok("no page errors");
    console.log(JSON.stringify({ check: "trial-stage", passed: checks.length, answers }));
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
