/**
 * What an action may ask of the browser beyond the page's state: a file to save, a text for
 * the clipboard, the page's own address. Given to the controller by the entry module.
 */

/** Offers `text` as a file to save. @param {string} filename @param {string} text
 * @param {string} type */
function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** @type {import("../actions/tools.js").Effects} */
export const browserEffects = {
  download,
  copyText: async (text) => { await navigator.clipboard?.writeText(text); },
  pageUrl: () => location.href.split("#")[0],
  pageOrigin: () => location.origin,
};
