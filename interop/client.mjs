// client.mjs drives the real @liveblocks/client into rooms on behalf of the
// Go interop tests, and prints what the client saw as one JSON object.
//
// Usage: node client.mjs '<spec as JSON>'
//
// The spec:
//   baseUrl       the realtime server (the dev server's LIVEBLOCKS_BASE_URL)
//   authEndpoint  the URL of the liveauth endpoint under test
//   cookie        the Cookie header to send with auth requests ("" for none)
//   mode          "url": authEndpoint is given to the client as a URL, and
//                 the cookie is added by a fetch polyfill, as a browser would;
//                 "callback": authEndpoint is a callback that POSTs itself,
//                 adding `headers`, as apps do when they need custom headers
//   headers       extra request headers for the callback mode
//   rooms         room IDs to enter, all at once
//   roomless      if true, also ask for a room-less token (notifications)
//   settleMs      how long to keep watching after every room has an outcome,
//                 so that retry loops would show in authCalls
//   timeoutMs     give up on a room after this long
//   clientPerRoom if true, enter each room with a client of its own, so that
//                 no token is reused across rooms (the client reuses an ID
//                 token for every room, and an access token for every room
//                 its patterns cover): each room then gets the token the
//                 endpoint issues for that room
//
// For each room it reports the final status, whether the client saw
// itself (room.getSelf()), its id, info, canWrite and canComment, the
// errors and socket close codes seen, the scopes the server sent in its
// ROOM_STATE message (what it decided the user may do; null if it sent
// none) and the distinct socket errors (socketErrors). It also reports
// every auth call made and every token received.
import { createClient } from "@liveblocks/client";
import WebSocket from "ws";

const spec = JSON.parse(process.argv[2]);
const settleMs = spec.settleMs ?? 1500;
const timeoutMs = spec.timeoutMs ?? 8000;

const authCalls = [];
const tokens = [];

// Records one auth request and the token it returned, if any.
async function recordAuth(body, response) {
  const call = { body, status: response.status };
  const text = await response.clone().text();
  try {
    const json = JSON.parse(text);
    call.response = json;
    if (typeof json.token === "string") tokens.push(json.token);
  } catch {
    call.response = text;
  }
  authCalls.push(call);
}

// fetch as a browser would send it: same-origin credentials mean the cookie
// goes with the request.
async function fetchWithCookie(input, init = {}) {
  const url = typeof input === "string" ? input : input.url;
  if (url !== spec.authEndpoint) return fetch(input, init);
  const headers = new Headers(init.headers);
  if (spec.cookie) headers.set("Cookie", spec.cookie);
  const response = await fetch(input, { ...init, headers });
  await recordAuth(init.body ? JSON.parse(init.body) : null, response);
  return response;
}

async function callbackAuth(room) {
  const headers = { "Content-Type": "application/json", ...(spec.headers ?? {}) };
  if (spec.cookie) headers.Cookie = spec.cookie;
  const body = room === undefined ? {} : { room };
  const response = await fetch(spec.authEndpoint, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  await recordAuth(body, response);
  return await response.json();
}

// The server's ROOM_STATE message (type 104) carries the scopes it granted
// for the connection; the client derives canWrite and canComment from them.
// RecordingWebSocket notes the last scopes seen per room, and the socket
// errors (such as an upgrade answered with 500), which the client itself
// does not report.
const ROOM_STATE = 104;
const roomScopes = new Map();
const socketErrors = new Map();

class RecordingWebSocket extends WebSocket {
  constructor(url, ...rest) {
    super(url, ...rest);
    const roomId = new URL(url).searchParams.get("roomId");
    this.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      for (const m of Array.isArray(msg) ? msg : [msg]) {
        if (m?.type === ROOM_STATE && Array.isArray(m.scopes)) roomScopes.set(roomId, m.scopes);
      }
    });
    this.addEventListener("error", (event) => {
      const message = String(event.message ?? event.error ?? "socket error");
      const seen = socketErrors.get(roomId) ?? [];
      if (!seen.includes(message)) socketErrors.set(roomId, [...seen, message]);
    });
  }
}

function makeClient() {
  return createClient({
    baseUrl: spec.baseUrl,
    authEndpoint: spec.mode === "callback" ? callbackAuth : spec.authEndpoint,
    polyfills: { WebSocket: RecordingWebSocket, fetch: fetchWithCookie },
    lostConnectionTimeout: 2000,
  });
}

const client = makeClient();
const clients = [client];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function enter(roomId) {
  const result = {
    status: "initial",
    self: null,
    errors: [],
    statuses: [],
    scopes: null,
    socketErrors: [],
  };
  let roomClient = client;
  if (spec.clientPerRoom) {
    roomClient = makeClient();
    clients.push(roomClient);
  }
  const { room } = roomClient.enterRoom(roomId, { initialPresence: {} });
  room.subscribe("status", (status) => result.statuses.push(status));
  room.subscribe("error", (err) => {
    result.errors.push({ message: String(err.message), code: err.context?.code ?? err.code ?? null });
  });

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const self = room.getSelf();
    if (room.getStatus() === "connected" && self !== null) {
      result.self = {
        id: self.id ?? null,
        info: self.info ?? null,
        canWrite: self.canWrite,
        canComment: self.canComment,
      };
      break;
    }
    if (result.errors.length > 0 && room.getStatus() === "disconnected") break;
    await sleep(20);
  }
  await sleep(settleMs);
  result.status = room.getStatus();
  result.scopes = roomScopes.get(roomId) ?? null;
  result.socketErrors = socketErrors.get(roomId) ?? [];
  return [roomId, result];
}

async function roomless() {
  // Inbox notifications are room-less: the client asks the endpoint with
  // an empty body. Errors are expected (the dev server may not serve the
  // route); what matters is the auth call the client made.
  try {
    await client.getInboxNotifications();
  } catch (err) {
    return { error: String(err.message ?? err) };
  }
  return { error: null };
}

const timer = setTimeout(() => {
  console.log(JSON.stringify({ fatal: "client.mjs timed out" }));
  process.exit(2);
}, timeoutMs + settleMs + 10000);

const results = Object.fromEntries(await Promise.all((spec.rooms ?? []).map(enter)));
const roomlessResult = spec.roomless ? await roomless() : null;
clearTimeout(timer);
console.log(JSON.stringify({ rooms: results, roomless: roomlessResult, authCalls, tokens }));
for (const c of clients) c.logout();
process.exit(0);
