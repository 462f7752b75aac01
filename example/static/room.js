// The live demo room (local mode only): get a token from the authentication
// endpoint, ask the room guard what it lets us do, then follow the room's
// presence list and counter over Server-Sent Events. Writes go to the
// counter route with the token as a Bearer header; the server refuses them
// for read-only users whatever this page shows.
"use strict";

(function () {
  const root = document.getElementById("live-room");
  if (!root) {
    return;
  }
  const $ = (id) => document.getElementById(id);
  const ds = root.dataset;

  // How often the page gets a new token and joins again after the server
  // closed the stream for good (a token that expired, a server restart).
  const maxRejoins = 3;

  let source = null; // the EventSource, while in a room
  let token = "";
  let roomId = "";
  let self = null; // the guard's admission: user, canWrite, levels
  let rejoins = 0;
  let joining = 0; // bumps on every join and leave, to drop stale answers

  function setStatus(text, kind) {
    $("live-status").textContent = text;
    $("live-status").className = "live-status" + (kind ? " " + kind : "");
  }

  // An error from an answer in the JSON error contract.
  class Refusal extends Error {
    constructor(what, status, body) {
      super(what);
      this.status = status;
      this.body = body;
    }
  }

  async function readBody(res) {
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch (err) {
      return text;
    }
  }

  // A sentence for a refusal, by code.
  function explain(err) {
    const body = err.body || {};
    const head = err.status ? "HTTP " + err.status + (body.code ? " " + body.code : "") + ": " : "";
    switch (body.code) {
      case "not_allowed":
        return head + "the room guard refused you at the door: this room's accesses do not let you in.";
      case "read_only":
        return head + "the server refused the write: your access to this room is read-only.";
      case "unauthenticated":
        return head + "nobody is logged in any more; log in again.";
      case "invalid_token":
        return head + "the token was refused (expired, or signed by another run of the example).";
      default:
        return head + (body.reason || err.message || String(err));
    }
  }

  function showRefusal(prefix, err) {
    $(prefix + "-text").textContent = explain(err);
    $(prefix + "-body").textContent = typeof err.body === "object" && err.body !== null
      ? JSON.stringify(err.body, null, 2)
      : String(err.body || err);
    $(prefix).hidden = false;
  }

  async function getToken(room) {
    const res = await fetch(ds.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ room: room }),
    });
    const body = await readBody(res);
    if (!res.ok || typeof body.token !== "string") {
      throw new Refusal("the auth endpoint gave no token", res.status, body);
    }
    return body.token;
  }

  function roomURL(path, room) {
    return path + "?roomId=" + encodeURIComponent(room);
  }

  async function join(room) {
    closeStream();
    const attempt = ++joining;
    roomId = room;
    $("live-refused").hidden = true;
    $("live-write-refused").hidden = true;
    $("live-leave").disabled = false;
    setStatus("Getting a token…");
    try {
      token = await getToken(room);
      setStatus("Asking the room guard…");
      const res = await fetch(roomURL(ds.admission, room), {
        headers: { Authorization: "Bearer " + token },
      });
      const body = await readBody(res);
      if (!res.ok) {
        throw new Refusal("the room guard refused", res.status, body);
      }
      if (attempt !== joining) {
        return;
      }
      self = body;
    } catch (err) {
      if (attempt !== joining) {
        return;
      }
      setStatus("Refused.", "bad");
      $("live-body").hidden = true;
      $("live-leave").disabled = true;
      showRefusal("live-refused", err);
      return;
    }
    openStream();
  }

  function openStream() {
    setStatus("Connecting…");
    const es = new EventSource(roomURL(ds.stream, roomId) + "&tok=" + encodeURIComponent(token));
    source = es;
    es.addEventListener("hello", (ev) => {
      self = JSON.parse(ev.data);
      rejoins = 0;
      setStatus("In " + self.room + " as " + self.user.name + (self.canWrite ? " (can write)" : " (read-only)") + ".", "good");
      showWriteAccess();
      $("live-body").hidden = false;
    });
    es.addEventListener("room", (ev) => render(JSON.parse(ev.data)));
    es.addEventListener("error", () => {
      if (es !== source) {
        return;
      }
      if (es.readyState === EventSource.CLOSED) {
        // The server refused the stream: join again with a new token.
        closeStream();
        if (rejoins < maxRejoins) {
          rejoins++;
          setStatus("Disconnected; joining again…", "bad");
          setTimeout(() => join(roomId), 1000 * rejoins);
        } else {
          setStatus("Disconnected: the server keeps refusing the stream (is the room full?). Join to try again.", "bad");
        }
      } else {
        setStatus("Connection lost; reconnecting…", "bad");
      }
    });
  }

  function closeStream() {
    if (source) {
      source.close();
      source = null;
    }
  }

  function leave() {
    joining++;
    closeStream();
    self = null;
    $("live-body").hidden = true;
    $("live-refused").hidden = true;
    $("live-leave").disabled = true;
    setStatus("Not in a room.");
  }

  function showWriteAccess() {
    const canWrite = !!(self && self.canWrite);
    $("live-plus").disabled = !canWrite;
    $("live-try").hidden = canWrite;
    $("live-write-note").textContent = canWrite
      ? "You may write: +1 changes the counter for everyone in the room."
      : "You are read-only here (storage: " + (self ? self.levels.storage : "none") + "), so +1 is disabled. The server refuses the write even if it is sent anyway:";
  }

  function badge(text, kind) {
    const b = document.createElement("span");
    b.className = "badge " + kind;
    b.textContent = text;
    return b;
  }

  function render(state) {
    $("live-counter").textContent = String(state.counter);
    const list = $("live-users");
    list.replaceChildren();
    for (const u of state.users) {
      const li = document.createElement("li");
      li.dataset.userId = u.id;
      li.dataset.canWrite = String(u.canWrite);
      const img = document.createElement("img");
      img.className = "avatar small";
      img.width = 32;
      img.height = 32;
      img.alt = "";
      if (typeof u.avatar === "string" && u.avatar.startsWith("/")) {
        img.src = u.avatar; // the page only loads images from its own origin
      }
      const name = document.createElement("span");
      name.className = "presence-name";
      name.textContent = u.name;
      li.append(img, name);
      if (self && self.user && u.id === self.user.id) {
        const you = document.createElement("span");
        you.className = "muted";
        you.textContent = "(you)";
        li.append(you);
      }
      if (u.connections > 1) {
        const n = document.createElement("span");
        n.className = "muted";
        n.textContent = "×" + u.connections;
        li.append(n);
      }
      li.append(u.canWrite ? badge("can write", "write") : badge("read-only", "readonly"));
      list.append(li);
    }
  }

  // write asks the server to add one to the counter and shows a refusal.
  // A token refused as invalid (expired) is renewed once.
  async function write() {
    $("live-write-refused").hidden = true;
    try {
      for (let tries = 0; ; tries++) {
        const res = await fetch(roomURL(ds.counter, roomId), {
          method: "POST",
          headers: { Authorization: "Bearer " + token },
        });
        const body = await readBody(res);
        if (res.ok) {
          $("live-counter").textContent = String(body.counter);
          return;
        }
        if (res.status === 401 && tries === 0) {
          token = await getToken(roomId);
          continue;
        }
        throw new Refusal("the write was refused", res.status, body);
      }
    } catch (err) {
      showRefusal("live-write-refused", err);
    }
  }

  $("live-join").addEventListener("submit", (event) => {
    event.preventDefault();
    rejoins = 0;
    join($("live-room-id").value);
  });
  $("live-leave").addEventListener("click", leave);
  $("live-plus").addEventListener("click", write);
  $("live-try").addEventListener("click", write);
  window.addEventListener("pagehide", closeStream);
})();
