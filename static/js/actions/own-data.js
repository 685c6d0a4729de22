/**
 * The learner's own data from a CSV file: the server reads it (POST /api/datasets/csv) and
 * the dialog shows what it read; with the columns chosen, the server answers the points and
 * the network takes them (network-setup.js: useOwnData). Every refusal is the server's, shown
 * in the dialog in its words; nothing changes before the points are in hand.
 */
import { api } from "../server/api.js";
import { csvRefusal } from "../explain/own-data.js";

/**
 * @param {{store: import("./resilient-call.js").Store,
 *          setup: ReturnType<typeof import("./network-setup.js").createSetup>,
 *          maxBytes: number}} ctx
 *   maxBytes: the largest body the server takes (/api/options): a larger file is not sent
 */
export function createOwnData({ store, setup, maxBytes }) {
  /** Asks the server, and on a refusal says why in the dialog (and on the status line). */
  async function ask(body) {
    try {
      return await api.readCsv(body);
    } catch (e) {
      const why = csvRefusal(e);
      store.apply("csv", { error: why });
      throw new Error(why);
    }
  }

  return {
    /** Reads the text (or the file's) and shows what the server read of it.
     * @param {{text?:string, file?:File, header:boolean|null}} what */
    async read({ text, file, header }) {
      let read = text ?? "";
      // what was read before goes: a refusal must not stand above another file's rows
      store.apply("csv", { preview: null });
      if (file && file.size > maxBytes) {
        const why = `The file is ${file.size.toLocaleString("en")} bytes: the server takes at ` +
          `most ${maxBytes.toLocaleString("en")} (about ${Math.floor(maxBytes / 1024)} KiB). ` +
          "Nothing was changed.";
        store.apply("csv", { error: why });
        throw new Error(why);
      }
      if (file) {
        read = await file.text();
        store.apply("csv", { text: read });
      }
      store.apply("csv", { error: "" });
      const preview = await ask({ text: read, header });
      store.apply("csv", { preview });
    },
    /**
     * The chosen columns' points become the network's data.
     * @param {{text:string, header:boolean, standardize:boolean,
     *          choice:{inputs:number[], targets:number[], part:number|null,
     *                  target_kind:"numbers"|"classes"}}} what
     */
    async use({ text, header, choice, standardize }) {
      store.apply("csv", { error: "" });
      const spec = store.state.datasetSpec;
      const answer = await ask({ text, header, ...choice, standardize,
                                 test_fraction: choice.part === null ? spec?.test_fraction ?? 0 : 0,
                                 seed: spec?.seed ?? 0 });
      await setup.useOwnData(/** @type {any} */ (answer.dataset));
      store.apply("csv", { imported: store.state.csv.imported + 1 });
    },
  };
}
