// Two users in the example's live demo room, in two headless Chromium pages
// with separate cookies. It starts nothing itself: run.sh starts the example
// and passes its address.
//
//   node two-users.mjs <base URL> <directory for screenshots>
//
// CHROMIUM_PATH names the browser (default /usr/lib/chromium/chromium,
// Debian's). Every wait is bounded; the script prints one line
// "browser: N passed, M failed" and exits 1 if anything failed.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [base, outDir] = process.argv.slice(2);
if (!base || !outDir) {
  console.error("usage: node two-users.mjs <base URL> <screenshot directory>");
  process.exit(2);
}
const url = new URL(base);
if (url.hostname !== "127.0.0.1") {
  console.error(`browser: ${base} is not on 127.0.0.1`);
  process.exit(2);
}

const executablePath = process.env.CHROMIUM_PATH || "/usr/lib/chromium/chromium";
if (!existsSync(executablePath)) {
  console.error(`browser: no Chromium at ${executablePath} (run scripts/install-chromium.sh)`);
  console.log("browser: 0 passed, 1 failed");
  process.exit(1);
}

const WAIT = 10_000; // every single wait
const WHOLE = 120_000; // the whole run
const watchdog = setTimeout(() => {
  console.error(`browser: still running after ${WHOLE / 1000}s, giving up`);
  console.log(`browser: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}, WHOLE);
watchdog.unref();

let passed = 0;
let failed = 0;

// check runs one named step; a failed step is reported and later steps
// still run, except those marked as needing it.
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
    return true;
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(err && err.message ? err.message : err).split("\n").join("\n     ")}`);
    return false;
  }
}

function assert(cond, msg) {
  if (!cond) {
    throw new Error(msg);
  }
}

// newUser opens a page in a context of its own (its own cookies).
async function newUser(browser, name) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  page.on("pageerror", (err) => console.log(`     [${name}] page error: ${err.message}`));
  page.on("console", (msg) => {
    // Refusals the test provokes show as failed loads: not worth a line.
    if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) {
      console.log(`     [${name}] console: ${msg.text()}`);
    }
  });
  return { name, context, page };
}

// logIn logs in through the page's own login button.
async function logIn(u, id) {
  await u.page.goto(base + "/", { timeout: WAIT });
  await Promise.all([
    u.page.waitForURL(base + "/", { timeout: WAIT, waitUntil: "load" }),
    u.page.click(`form.users button[value="${id}"]`),
  ]);
  const who = await u.page.textContent(".who-name");
  assert(who && who.includes(`(${id})`), `the page shows ${JSON.stringify(who)} as logged in, want ${id}`);
}

// joinRoom joins a room through the page's own form.
async function joinRoom(u, room) {
  await u.page.selectOption("#live-room-id", room);
  await u.page.click("#live-join-button");
}

// presence returns the room's presence list as the page shows it.
function presence(u) {
  return u.page.$$eval("#live-users li", (lis) =>
    lis.map((li) => ({
      id: li.dataset.userId,
      text: li.textContent,
      canWrite: li.dataset.canWrite === "true",
      badge: li.querySelector(".badge")?.textContent ?? "",
      avatar: li.querySelector("img")?.getAttribute("src") ?? "",
      avatarLoaded: li.querySelector("img")?.naturalWidth > 0,
    })),
  );
}

// waitForUsers waits until the page lists exactly the users ids.
async function waitForUsers(u, ids) {
  const want = [...ids].sort().join(",");
  try {
    await u.page.waitForFunction(
      (want) => [...document.querySelectorAll("#live-users li")].map((li) => li.dataset.userId).sort().join(",") === want,
      want,
      { timeout: WAIT },
    );
  } catch (err) {
    const got = (await presence(u)).map((p) => p.id);
    const status = await u.page.textContent("#live-status");
    throw new Error(`${u.name}'s page lists [${got}], want [${want}] (status: ${status})`);
  }
}

async function counterOf(u) {
  return Number(await u.page.textContent("#live-counter"));
}

// counterPost asks for a new token from the page's own session and posts
// to the counter route with it, as a client bypassing the page would.
function counterPost(u, room) {
  return u.page.evaluate(async (room) => {
    const t = await fetch("/api/liveblocks-auth", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ room }),
    });
    const { token } = await t.json();
    const res = await fetch("/rooms/counter?roomId=" + encodeURIComponent(room), {
      method: "POST",
      headers: { Authorization: "Bearer " + token },
    });
    return { status: res.status, type: res.headers.get("Content-Type"), body: await res.text() };
  }, room);
}

const browser = await chromium.launch({ executablePath, headless: true, timeout: WAIT });
const alice = await newUser(browser, "alice");
const bob = await newUser(browser, "bob");
const carol = await newUser(browser, "carol");

try {
  const loggedIn = await check("alice and bob log in through the page's buttons, in separate contexts", async () => {
    await logIn(alice, "alice");
    await logIn(bob, "bob");
    const aliceAgain = await alice.page.textContent(".who-name");
    assert(aliceAgain.includes("(alice)"), "logging bob in changed alice's session");
  });

  const together = loggedIn && await check("both join demo-room and each lists both users", async () => {
    await joinRoom(alice, "demo-room");
    await joinRoom(bob, "demo-room");
    await waitForUsers(alice, ["alice", "bob"]);
    await waitForUsers(bob, ["alice", "bob"]);
    for (const u of [alice, bob]) {
      const names = (await presence(u)).map((p) => p.text);
      assert(names.some((t) => t.includes("Alice")) && names.some((t) => t.includes("Bob")),
        `${u.name}'s page names ${JSON.stringify(names)}, want Alice and Bob`);
    }
  });

  if (together) {
    await check("bob is marked read-only and alice is not, with avatars, on both pages", async () => {
      for (const u of [alice, bob]) {
        const list = await presence(u);
        const a = list.find((p) => p.id === "alice");
        const b = list.find((p) => p.id === "bob");
        assert(a.canWrite && a.badge === "can write", `${u.name}'s page: alice is ${JSON.stringify(a)}`);
        assert(!b.canWrite && b.badge === "read-only", `${u.name}'s page: bob is ${JSON.stringify(b)}`);
        assert(a.avatar === "/avatars/alice.svg" && b.avatar === "/avatars/bob.svg",
          `${u.name}'s page: avatars ${a.avatar}, ${b.avatar}`);
        assert(a.avatarLoaded && b.avatarLoaded, `${u.name}'s page: an avatar did not load`);
      }
      assert(await alice.page.isEnabled("#live-plus"), "alice's +1 is disabled");
      assert(await bob.page.isDisabled("#live-plus"), "bob's +1 is enabled");
    });

    await check("alice clicks +1 and bob's page shows the new count", async () => {
      const before = await counterOf(bob);
      await alice.page.click("#live-plus");
      await bob.page.waitForFunction(
        (want) => document.getElementById("live-counter").textContent === String(want),
        before + 1,
        { timeout: WAIT },
      );
      assert(await counterOf(alice) === before + 1, "alice's page does not show the new count");
    });

    for (const u of [alice, bob]) {
      await u.page.screenshot({ path: join(outDir, `${u.name}.png`), fullPage: true });
      await u.page.locator("#live").screenshot({ path: join(outDir, `${u.name}-room.png`) });
    }

    await check("bob's direct call to the counter API is refused: 403 read_only", async () => {
      const before = await counterOf(alice);
      const res = await counterPost(bob, "demo-room");
      const want = JSON.stringify({
        error: "forbidden",
        code: "read_only",
        reason: "Your access to this room is read-only: you may not change its storage.",
      });
      assert(res.status === 403, `status ${res.status}, want 403; body ${res.body}`);
      assert(res.type === "application/json", `Content-Type ${res.type}`);
      assert(res.body === want, `body ${res.body}, want ${want}`);
      await alice.page.waitForTimeout(300); // a wrong push would have arrived by now
      assert(await counterOf(alice) === before, "the counter changed after a refused write");
    });

    await check("bob's page shows the server's refusal when he tries anyway", async () => {
      await bob.page.click("#live-try");
      await bob.page.waitForSelector("#live-write-refused:not([hidden])", { timeout: WAIT });
      const text = await bob.page.textContent("#live-write-refused");
      assert(text.includes("403") && text.includes("read_only"), `refusal shown: ${text}`);
    });
    await bob.page.locator("#live").screenshot({ path: join(outDir, "bob-refused.png") });

    await check("carol is refused at the door of design-review with the guard's 403 not_allowed", async () => {
      await logIn(carol, "carol");
      await joinRoom(carol, "design-review");
      await carol.page.waitForSelector("#live-refused:not([hidden])", { timeout: WAIT });
      const text = await carol.page.textContent("#live-refused");
      assert(text.includes("403") && text.includes("not_allowed"), `refusal shown: ${text}`);
    });
    await carol.page.locator("#live").screenshot({ path: join(outDir, "carol-refused.png") });

    await check("carol joins demo-room as a writer and her +1 reaches alice and bob", async () => {
      await joinRoom(carol, "demo-room");
      for (const u of [alice, bob, carol]) {
        await waitForUsers(u, ["alice", "bob", "carol"]);
      }
      const c = (await presence(bob)).find((p) => p.id === "carol");
      assert(c.canWrite, "carol is listed read-only");
      const before = await counterOf(alice);
      await carol.page.click("#live-plus");
      for (const u of [alice, bob]) {
        await u.page.waitForFunction(
          (want) => document.getElementById("live-counter").textContent === String(want),
          before + 1,
          { timeout: WAIT },
        );
      }
    });

    await check("alice leaves and disappears from bob's list", async () => {
      await alice.page.click("#live-leave");
      await waitForUsers(bob, ["bob", "carol"]);
    });
  }
} finally {
  await browser.close();
}

console.log(`screenshots: ${outDir}`);
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
