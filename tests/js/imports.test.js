/**
 * The page's shape, held by its imports (docs/architecture in README.md): one way round,
 * key or click → controller → action → api → store → render.
 * - views/ never import actions/ or server/ (they get `dispatch`, and render the state);
 * - actions/, server/, state/ and explain/ never touch `document` (only views and lib do);
 * - state/ and explain/ import neither views/, actions/ nor server/ (they are pure);
 * - lib/ imports only lib/;
 * - no module imports itself through others (no cycles).
 * Type-only imports in JSDoc comments are not imports at run time and are not counted.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../static/js");

/** Every module under static/js, by its path relative to it. */
function modules(dir = ROOT) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return modules(path);
    return name.endsWith(".js") ? [relative(ROOT, path)] : [];
  });
}

/** The code without its comments and the text of its strings (so that a word in a comment
 * or a message is not taken for code); import specifiers are kept. */
export function codeOf(source) {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const two = source.slice(i, i + 2);
    if (two === "//") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (two === "/*") {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? source.length : end + 2;
    } else if (source[i] === '"' || source[i] === "'" || source[i] === "`") {
      const quote = source[i];
      let j = i + 1;
      while (j < source.length && source[j] !== quote) j += source[j] === "\\" ? 2 : 1;
      const text = source.slice(i + 1, j);
      // a module specifier keeps its text; any other string is blanked
      out += /^\.{1,2}\/[\w./-]+\.js$/.test(text) ? `${quote}${text}${quote}` : `${quote}${quote}`;
      i = j + 1;
    } else {
      out += source[i++];
    }
  }
  return out;
}

/** The modules `path` imports at run time (static and dynamic), relative to ROOT. */
export function importsOf(path, source = readFileSync(join(ROOT, path), "utf8")) {
  const code = codeOf(source);
  const specs = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)["'](\.{1,2}\/[^"']+)["']/gm)]
    .map((m) => m[1]);
  return specs.map((s) => relative(ROOT, resolve(ROOT, dirname(path), s)));
}

const all = modules();
const folder = (path) => (path.includes("/") ? path.split("/")[0] : "");

test("imports_views_never_import_actions_or_the_server_client", () => {
  const bad = all.filter((p) => folder(p) === "views")
    .flatMap((p) => importsOf(p).filter((t) => ["actions", "server"].includes(folder(t)))
      .map((t) => `${p} → ${t}`));
  assert.deepEqual(bad, []);
});

test("imports_only_views_and_lib_touch_the_document", () => {
  const bad = all.filter((p) => ["actions", "server", "state", "explain"].includes(folder(p)))
    .filter((p) => /\bdocument\b/.test(codeOf(readFileSync(join(ROOT, p), "utf8"))));
  assert.deepEqual(bad, []);
});

test("imports_state_and_explain_are_pure_and_lib_stands_alone", () => {
  const bad = all.flatMap((p) => importsOf(p).filter((t) => {
    const from = folder(p);
    const to = folder(t);
    if (from === "state" || from === "explain") return ["views", "actions", "server"].includes(to);
    if (from === "lib") return to !== "lib";
    return false;
  }).map((t) => `${p} → ${t}`));
  assert.deepEqual(bad, []);
});

test("imports_every_module_is_in_a_folder_by_role_but_the_entry", () => {
  const roles = ["state", "actions", "server", "explain", "views", "lib"];
  assert.deepEqual(all.filter((p) => !roles.includes(folder(p))), ["main.js"]);
});

test("imports_have_no_cycles", () => {
  const graph = new Map(all.map((p) => [p, importsOf(p)]));
  /** @type {string[][]} */
  const cycles = [];
  const state = new Map();  // 1: on the path, 2: done
  const visit = (p, path) => {
    if (state.get(p) === 2) return;
    if (state.get(p) === 1) {
      cycles.push([...path.slice(path.indexOf(p)), p]);
      return;
    }
    state.set(p, 1);
    for (const t of graph.get(p) ?? []) visit(t, [...path, p]);
    state.set(p, 2);
  };
  for (const p of all) visit(p, []);
  assert.deepEqual(cycles, []);
});

test("imports_every_import_names_a_module_that_exists", () => {
  const missing = all.flatMap((p) => importsOf(p).filter((t) => !all.includes(t))
    .map((t) => `${p} → ${t}`));
  assert.deepEqual(missing, []);
});

test("imports_the_checker_sees_what_it_must", () => {
  // It finds a view's import of an action, and a document in code, but not in a comment.
  assert.deepEqual(importsOf("views/x.js", 'import { a } from "../actions/y.js";\n'), ["actions/y.js"]);
  assert.deepEqual(importsOf("views/x.js", '/** @type {import("../actions/y.js").T} */\n'), []);
  assert.equal(/\bdocument\b/.test(codeOf("// the document\nconst a = 'document';")), false);
  assert.equal(/\bdocument\b/.test(codeOf("document.body;")), true);
});
