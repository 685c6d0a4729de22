/**
 * Every view of the page, mounted once on the page's markup: each takes `dispatch` for what
 * the learner does and returns its render(state). The page's render calls them all, in one
 * display frame, from the state alone.
 */
import { readColours } from "../lib/colours.js";
import { settingsTable } from "../state/link.js";
import { mountAddressBar } from "./address-bar.js";
import { mountBodyFlags } from "./body-flags.js";
import { mountCompareCard } from "./compare-card.js";
import { mountCsvDialog } from "./csv-dialog.js";
import { mountGradcheckCard } from "./gradcheck-card.js";
import { mountGradientChart } from "./gradient-chart.js";
import { mountKeyboard } from "./keyboard.js";
import { mountLandscapeCard } from "./landscape-card.js";
import { mountLessonCard } from "./lesson-card.js";
import { mountNetworkView } from "./network-view.js";
import { mountQuizCard } from "./quiz-card.js";
import { mountSettingsCard } from "./settings-card.js";
import { mountStatusLine } from "./status-line.js";
import { mountStepPanel } from "./step-panel.js";
import { createTour } from "./tour.js";
import { mountTrainingCard } from "./training-card.js";

/**
 * @param {(intent: import("../actions/controller.js").Intent) => void} dispatch
 * @param {any} options /api/options
 * @returns {{render: (s: import("../state/store.js").State) => void,
 *            tour: ReturnType<typeof createTour>}}
 */
export function mountPage(dispatch, options) {
  readColours();
  mountKeyboard(dispatch);
  const renders = [
    mountBodyFlags(dispatch),
    mountStatusLine(),
    mountNetworkView(/** @type {any} */ (document.getElementById("network")),
                     /** @type {HTMLElement} */ (document.getElementById("labels-note")), dispatch,
                     options.features ?? [], options),
    mountStepPanel(dispatch),
    mountQuizCard(dispatch),
    mountSettingsCard(dispatch, options),
    mountTrainingCard(dispatch, options),
    mountCompareCard(dispatch, options),
    mountGradientChart(),
    mountGradcheckCard(dispatch),
    mountLandscapeCard(dispatch, options.limits.max_step_batch),
    mountLessonCard(dispatch),
    mountCsvDialog(dispatch),
    mountAddressBar(dispatch, settingsTable(options)),
  ];
  const tour = createTour(/** @type {HTMLElement} */ (document.getElementById("btn-tour")));
  return {
    render: (s) => { for (const render of renders) render(s); },
    tour,
  };
}
