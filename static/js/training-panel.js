/**
 * The training, gradient-check and sharing cards: every DOM lookup for them, and the
 * learner's actions reported through handlers.
 */
import { fmt } from "./format.js";

const $ = (id) => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e;
};

/**
 * @param {{onPlay:()=>void, onDataset:()=>void, onTrainingSettings:()=>void,
 *          onGradcheck:()=>void, onCopyLink:()=>void, onExport:()=>void,
 *          onImport:(text:string)=>void, onExportTrace:(format:string)=>void,
 *          onRebuild:(layers:number[])=>void, onNextSample:()=>void,
 *          onAddPoint:(point:{input:number[], target:number[]})=>void}} handlers
 * @param {{name:string, inputs:number}[]} datasets the built-in datasets (from /api/options)
 */
export function bindTrainingPanel(handlers, datasets) {
  const select = $("dataset");
  const counts = [...new Set(datasets.map((d) => d.inputs))];
  select.replaceChildren(...counts.map((inputs) => {
    const group = document.createElement("optgroup");
    group.label = inputs === 1 ? "1 input" : `${inputs} inputs`;
    group.append(...datasets.filter((d) => d.inputs === inputs).map(({ name: n }) => {
      const o = document.createElement("option");
      o.value = n;
      o.textContent = n;
      return o;
    }));
    return group;
  }));

  $("btn-play").addEventListener("click", () => handlers.onPlay());
  $("btn-new-data").addEventListener("click", () => handlers.onDataset());
  for (const id of ["dataset", "noise", "data-size", "data-seed", "test-fraction"]) {
    $(id).addEventListener("change", () => handlers.onDataset());
  }
  for (const id of ["batch-size", "l2"]) {
    $(id).addEventListener("change", () => handlers.onTrainingSettings());
  }
  $("btn-gradcheck").addEventListener("click", () => handlers.onGradcheck());
  $("btn-copy-link").addEventListener("click", () => handlers.onCopyLink());
  $("btn-export").addEventListener("click", () => handlers.onExport());
  $("btn-export-trace-json").addEventListener("click", () => handlers.onExportTrace("json"));
  $("btn-export-trace-csv").addEventListener("click", () => handlers.onExportTrace("csv"));
  $("btn-next-sample").addEventListener("click", () => handlers.onNextSample());
  $("import-file").addEventListener("change", async (e) => {
    const file = e.target.files?.[0];
    if (file) handlers.onImport(await file.text());
    e.target.value = "";
  });
  // The keyboard's way to add a point, beside clicking the plot.
  $("point-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $("point-input").value.split(/[,\s]+/).filter(Boolean).map(Number);
    handlers.onAddPoint({ input, target: [Number($("point-target").value)] });
  });
  $("btn-rebuild").addEventListener("click", () => {
    const layers = $("layers-input").value.split(/[-,\s]+/).filter(Boolean).map(Number);
    handlers.onRebuild(layers);
  });

  const number = (id) => Number($(id).value);

  return {
    /** The dataset the controls describe. */
    datasetSpec() {
      return { name: select.value, noise: number("noise"), size: number("data-size"),
               seed: number("data-seed"), test_fraction: number("test-fraction") };
    },
    setDatasetSpec(spec) {
      if (!spec?.name) return;
      select.value = spec.name;
      $("noise").value = String(spec.noise);
      $("data-size").value = String(spec.size);
      $("data-seed").value = String(spec.seed);
      $("test-fraction").value = String(spec.test_fraction);
    },
    /** @returns {{batch_size:number|null, l2:number}} */
    trainingSettings() {
      const batch = $("batch-size").value;
      return { batch_size: batch === "full" ? null : Number(batch), l2: number("l2") };
    },
    setTrainingSettings({ batch_size, l2 }) {
      $("batch-size").value = batch_size === null ? "full" : String(batch_size);
      $("l2").value = String(l2);
    },
    setLayers(layers) { $("layers-input").value = layers.join("-"); },
    setPlaying(playing) {
      $("btn-play").textContent = playing ? "Pause" : "Play";
      $("btn-play").classList.toggle("playing", playing);
    },
    setCounter(step, epoch) {
      $("train-counter").textContent = `Step ${step} · epoch ${epoch.toFixed(2)}`;
    },
    setCaption(text) { $("plot-caption").textContent = text; },
    get plotCanvas() { return $("data-plot"); },
    get chartCanvas() { return $("loss-chart"); },
    /** @param {object} check the API's gradient check */
    showGradcheck(check) {
      $("gradcheck-summary").textContent =
        `Largest relative difference: ${check.max_relative_difference.toExponential(2)} ` +
        `(h = ${check.h}, on input ${check.input.map((v) => fmt(v)).join(", ")}).`;
      $("gradcheck-table").hidden = false;
      $("gradcheck-table").querySelector("tbody").replaceChildren(...check.entries.map((e) => {
        const tr = document.createElement("tr");
        const name = e.parameter === "weight"
          ? `w ${e.k}:${e.i}→${e.k + 1}:${e.j}` : `b ${e.k + 1}:${e.j}`;
        for (const text of [name, e.backprop.toExponential(6), e.numeric.toExponential(6),
                            e.relative_difference.toExponential(1)]) {
          const td = document.createElement("td");
          td.textContent = text;
          tr.appendChild(td);
        }
        return tr;
      }));
    },
  };
}
