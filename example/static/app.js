// The "Get token" control: POST {"room": "..."} to the authentication
// endpoint as @liveblocks/client does, then show the answer. A token's
// header and payload are decoded here, without checking the signature (the
// Liveblocks client does not check it either).
"use strict";

(function () {
  const form = document.getElementById("token-form");
  if (!form) {
    return;
  }
  const $ = (id) => document.getElementById(id);

  // base64url (no padding) to a string, as UTF-8.
  function decodePart(part) {
    let s = part.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4 !== 0) {
      s += "=";
    }
    const binary = atob(s);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  }

  // A JWT NumericDate (seconds) as a readable date.
  function showDate(seconds) {
    if (typeof seconds !== "number") {
      return "missing";
    }
    const d = new Date(seconds * 1000);
    return d.toLocaleString() + " (" + d.toISOString() + ")";
  }

  function pretty(value) {
    return JSON.stringify(value, null, 2);
  }

  function showToken(raw, option) {
    const parts = raw.split(".");
    if (parts.length !== 3) {
      showError("not a JWT: " + parts.length + " parts");
      return;
    }
    let header, payload;
    try {
      header = JSON.parse(decodePart(parts[0]));
      payload = JSON.parse(decodePart(parts[1]));
    } catch (err) {
      showError("cannot decode the token: " + err);
      return;
    }
    $("token-header").textContent = pretty(header);
    $("token-payload").textContent = pretty(payload);
    $("token-iat").textContent = showDate(payload.iat);
    let exp = showDate(payload.exp);
    if (typeof payload.iat === "number" && typeof payload.exp === "number") {
      exp += ", " + Math.round((payload.exp - payload.iat) / 60) + " min after iat";
    }
    $("token-exp").textContent = exp;
    $("token-signature").textContent = parts[2] === ""
      ? "none (an unsigned dev-server token)"
      : header.alg + ", " + parts[2].length + " base64url characters";
    // What the realtime server will make of the token in this room, as
    // the page computed it from the room's accesses.
    const verdict = option ? option.dataset.verdict : "";
    $("token-verdict").textContent = verdict || "";
    $("token-verdict").className = "verdict " + (option && option.dataset.canEnter === "false" ? "refused" : "ok");
    $("token-verdict").hidden = !verdict;
    $("token-ok").hidden = false;
    $("token-error").hidden = true;
  }

  function showError(text) {
    $("token-error-body").textContent = text;
    $("token-error").hidden = false;
    $("token-ok").hidden = true;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const select = form.elements.room;
    const option = select.selectedOptions[0];
    const room = select.value;
    const body = JSON.stringify(room === "" ? {} : { room: room });

    $("token-result").hidden = false;
    $("token-status").className = "status";
    $("token-status").textContent = "…";
    $("token-request").textContent = body;

    let res, text;
    try {
      res = await fetch(form.dataset.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: body,
      });
      text = await res.text();
    } catch (err) {
      $("token-status").textContent = "network error";
      $("token-status").className = "status bad";
      showError(String(err));
      return;
    }

    $("token-status").textContent = "HTTP " + res.status + " " + res.statusText;
    $("token-status").className = "status " + (res.ok ? "good" : "bad");
    let json;
    try {
      json = JSON.parse(text);
    } catch (err) {
      showError(text);
      return;
    }
    if (res.ok && json && typeof json.token === "string") {
      showToken(json.token, option);
    } else {
      showError(pretty(json));
    }
  });
})();
