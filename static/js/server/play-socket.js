/**
 * The Play stream's transport: a WebSocket on /api/networks/{id}/play on which the server
 * trains in short chunks and sends each chunk's outcome as a frame (server/api/play.py,
 * docs/api.md). The page sends control messages: play (with the settings to train with),
 * pause, and ack (a frame drawn). Touches no DOM.
 */

/**
 * @typedef {{open: () => void, message: (m: any) => void, close: (opened: boolean) => void}}
 *   Handlers  close: the socket closed (opened: whether it had opened at all)
 */

/** @param {string} id */
function streamUrl(id) {
  const url = new URL(`/api/networks/${encodeURIComponent(id)}/play`, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/**
 * Opens the stream of network `id`. @param {string} id @param {Handlers} on
 */
export function openPlaySocket(id, on) {
  const ws = new WebSocket(streamUrl(id));
  let opened = false;
  ws.onopen = () => {
    opened = true;
    on.open();
  };
  ws.onmessage = (event) => on.message(JSON.parse(event.data));
  ws.onclose = () => on.close(opened);
  const send = (/** @type {object} */ message) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };
  return {
    get isOpen() { return ws.readyState === WebSocket.OPEN; },
    /** Start, or go on with these settings. @param {object} request */
    play: (request) => send({ type: "play", ...request }),
    /** Stop after the chunk in progress; the server answers {"type": "paused"}. */
    pause: () => send({ type: "pause" }),
    /** Frame `frame` is drawn: the server sends the next ones only then. @param {number} frame */
    ack: (frame) => send({ type: "ack", frame }),
    close: () => ws.close(),
  };
}
