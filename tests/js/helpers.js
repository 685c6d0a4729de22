/** Shared fixtures of the page's unit tests: real answers of the app (tests/js_fixtures.py). */
import { readFileSync } from "node:fs";

/** traces[name] = {network, forward, backward, update} for "sigmoid", "linear", "cross_entropy" */
export const traces = JSON.parse(readFileSync(new URL("./fixtures/traces.json", import.meta.url),
                                              "utf8"));

/** What /api/options answers (made by the app: tests/js_fixtures.py). */
export const options = JSON.parse(readFileSync(new URL("./fixtures/options.json", import.meta.url),
                                               "utf8"));
