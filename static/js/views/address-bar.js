/**
 * The address bar as a view of the store: its link describes the network (its weights
 * exactly), its settings, its data and its sample, written once they change and no action
 * is under way (not in the frame that shows a step's numbers, where writing it cost 1 to
 * 18 ms; nor during Play, whose weights change every frame: then once it pauses). A link
 * pasted into the tab (a hash change: writing the address bar makes none) is sent on as an
 * intent.
 */
import { changeCheck } from "../lib/memo.js";
import { encodeHash, linkState } from "../state/link.js";

/**
 * @param {(intent: import("../actions/controller.js").Intent) => void} dispatch
 * @param {import("../state/link.js").Prop[]} table
 */
export function mountAddressBar(dispatch, table) {
  window.addEventListener("hashchange", () => dispatch({ type: "open-link", hash: location.hash }));
  const changed = changeCheck();
  /** @param {import("../state/store.js").State} s */
  return function render(s) {
    if (!s.ready || !s.network || s.pending > 0 || s.playing || s.transport !== null) return;
    if (!changed({ network: s.network, initial: s.initial, dataset: s.dataset, spec: s.datasetSpec,
                   own: s.ownData,
                   training: s.training, sample: s.sample, trained: s.samplesTrained,
                   // and how the page is looked at, which a link keeps too
                   landscape: s.landscape, stepOn: s.stepOn, speed: s.speed,
                   plotView: s.plotView })) return;
    const hash = encodeHash(table, linkState(s, true));  // own points too many: left out
    if (location.hash !== hash) history.replaceState(null, "", hash);
  };
}
