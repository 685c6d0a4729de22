/**
 * An optional guided tour of the page: a small non-modal dialog that walks five stops (the
 * network, Next, the formula panel, the update, training), highlighting each one's element.
 * It opens by itself on a first visit (remembered in localStorage, never under automation)
 * and again from the header's Tour button. Keyboard: Tab between its buttons, ← and → (or P
 * and N) to move, Esc to close.
 */

/** @typedef {{target: string, title: string, text: string}} Stop */

/** The stops, in order: `target` is a CSS selector; `text` is 1–3 sentences. @type {Stop[]} */
export const STOPS = [
  { target: "#network", title: "The network",
    text: "Each card is a node: x is its input (the weighted sum of the layer before, plus " +
          "its bias b) and y its output; the faint picture behind its numbers is its output y " +
          "over the data's inputs (a curve for one input, a heat map for two). Each link carries a weight w: blue when w ≥ 0, " +
          "orange when w < 0, thicker for a larger |w|. The backward pass adds ∂E/∂y, ∂E/∂x " +
          "and ∂E/∂w beside them." },
  { target: "#btn-next", title: "Step through a pass",
    text: "Next walks one training step phase by phase: the input, forward layer by layer, " +
          "the error E, backward layer by layer, then the update. Forward, Backward, Update " +
          "and Step run several phases at once; Previous goes back (keys: → and ←)." },
  { target: ".explain", title: "Every number explained",
    text: "Click any node or weight (or Tab to it and press Enter) to see its formula here " +
          "with the numbers put in. Backward, it is the chain rule: the local derivatives " +
          "multiplied along the way from E." },
  { target: "#btn-update", title: "The update",
    text: "The update moves every weight a small step against its gradient, " +
          "w ← w − α·∂E/∂w, where α is the learning rate (its field sits with the " +
          "activations and the loss); with an L2 rate λ above 0, w ← w − α·(∂E/∂w + λ·w), " +
          "and the panel and the narration write the rule in effect. The box beside the output, which shows E once a pass " +
          "reaches the error, then shows E before and after the step: usually a little " +
          "lower." },
  { target: ".training", title: "Training",
    text: "Play (beside Next) repeats such steps over a whole dataset (Space pauses). Watch the loss " +
          "curve fall and the network's output take the shape of the data in the plot." },
];

export const SEEN_KEY = "backprop-tour-seen";
const HIGHLIGHT = "tour-target";

/** "Stop 2 of 5". @param {number} index from 0 @param {number} count */
export const stopLabel = (index, count) => `Stop ${index + 1} of ${count}`;

/** localStorage, or null where it is unavailable (private modes, blocked storage). */
function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {Record<string, string>} attrs @param {HTMLElement} parent
 * @returns {HTMLElementTagNameMap[K]}
 */
function make(tag, attrs, parent) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent.appendChild(e);
  return e;
}

/**
 * Builds the tour's dialog (hidden) and binds `button` to open it.
 * @param {HTMLElement} button @param {Stop[]} [stops]
 * @returns {{open: (index?: number) => void, close: () => void, autoShow: () => void}}
 */
export function createTour(button, stops = STOPS) {
  const dialog = make("div", { id: "tour", class: "tour", role: "dialog", "aria-modal": "false",
                               "aria-labelledby": "tour-title",
                               "aria-describedby": "tour-text", hidden: "" }, document.body);
  const counter = make("p", { id: "tour-counter", class: "tour-counter" }, dialog);
  const title = make("h2", { id: "tour-title" }, dialog);
  const text = make("p", { id: "tour-text" }, dialog);
  const row = make("div", { class: "buttons" }, dialog);
  const back = make("button", { type: "button", id: "tour-back" }, row);
  const next = make("button", { type: "button", id: "tour-next", class: "primary" }, row);
  const done = make("button", { type: "button", id: "tour-done", class: "quiet" }, row);
  back.textContent = "Back";
  done.textContent = "Close";
  let index = 0;
  /** @type {Element|null} */
  let target = null;

  function show(i) {
    index = Math.max(0, Math.min(stops.length - 1, i));
    const stop = stops[index];
    target?.classList.remove(HIGHLIGHT);
    target = document.querySelector(stop.target);
    target?.classList.add(HIGHLIGHT);
    const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
    // a card taller than most of the window from its top (its heading, under the sticky
    // header's room: scroll-margin-top), a smaller one in the middle
    const tall = (target?.getBoundingClientRect().height ?? 0) > window.innerHeight * 0.6;
    target?.scrollIntoView({ block: tall ? "start" : "center", behavior: smooth ? "smooth" : "auto" });
    counter.textContent = stopLabel(index, stops.length);
    title.textContent = stop.title;
    text.textContent = stop.text;
    back.disabled = index === 0;
    next.textContent = index === stops.length - 1 ? "Done" : "Next";
    // A button that just became disabled would drop the focus to the page.
    if (document.activeElement === back && back.disabled) next.focus();
  }

  function open(i = 0) {
    dialog.hidden = false;
    show(i);
    next.focus();
  }

  function close() {
    if (dialog.hidden) return;
    dialog.hidden = true;
    target?.classList.remove(HIGHLIGHT);
    target = null;
    try {
      storage()?.setItem(SEEN_KEY, "1");
    } catch { /* storage full or blocked: the tour may simply show again */ }
    button.focus();
  }

  back.addEventListener("click", () => show(index - 1));
  next.addEventListener("click", () => (index === stops.length - 1 ? close() : show(index + 1)));
  done.addEventListener("click", close);
  button.addEventListener("click", () => open(0));
  // Inside the tour, → and N, ← and P move through it rather than step the network.
  dialog.addEventListener("keydown", (e) => {
    const move = { ArrowRight: 1, n: 1, ArrowLeft: -1, p: -1 }[e.key];
    if (!move) return;
    e.stopPropagation();
    show(index + move);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !dialog.hidden) {
      e.preventDefault();
      close();
    }
  });

  return {
    open, close,
    /** Opens the tour on a first visit; never under automation (the tests open it by hand). */
    autoShow() {
      const store = storage();
      if (!store || navigator.webdriver) return;
      let seen = true;
      try {
        seen = store.getItem(SEEN_KEY) !== null;
      } catch { /* unreadable storage: do not show it unasked */ }
      if (!seen) open(0);
    },
  };
}
