// GOV.UK Frontend's components, then two small enhancements. Every page works without it.
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();

// "Copy" buttons: hidden until scripts run, they copy a read-only text box's contents.
for (const button of document.querySelectorAll("[data-copy-target]")) {
  const target = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(button.dataset.copyStatus);
  if (!target || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(target.value);
      // The words come from the page (data-copied-text), in the page's language.
      if (status) status.textContent = button.dataset.copiedText || "Copied.";
    } catch {
      target.select();
      if (status) status.textContent = button.dataset.copyFailedText || "";
    }
  });
}

// An import in progress: ask the server how far it has got, then show the result.
const job = document.querySelector("[data-import-status-url]");
if (job) {
  const bar = job.querySelector("progress");
  const text = job.querySelector("[data-import-progress-text]");
  const poll = async () => {
    const response = await fetch(job.dataset.importStatusUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const state = await response.json();
    if (bar && state.total_rows) {
      bar.max = state.total_rows;
      bar.value = state.processed_rows;
    }
    if (text) text.textContent = state.progress_text;
    if (state.status === "finished" || state.status === "failed") {
      window.location.reload();
    } else {
      window.setTimeout(poll, 1000);
    }
  };
  window.setTimeout(poll, 500);
}

// "Same address as child 1": copy child 1's postcode and address into this child's boxes
// (the server does the same when the box is ticked, with or without this script).
function sameAddress(scope) {
  for (const box of scope.querySelectorAll("[data-same-address]")) {
    const from = box.dataset.sameAddress;
    if (!from) continue; // child 1 is not on this page: the server copies the address
    const to = box.name.replace(/-same_address$/, "");
    box.addEventListener("change", () => {
      if (!box.checked) return;
      for (const part of ["postcode", "address"]) {
        const source = document.getElementById(`${from}-${part}`);
        const target = document.getElementById(`${to}-${part}`);
        if (source && target) target.value = source.value;
      }
    });
  }
}
sameAddress(document);

// The notice form's "Add another child" / "Add another adult": with scripts on, a blank
// row from the page's <template> is added in place (no reload, the page stays where it
// is) and its first box focused; "Remove" takes a row away in place. Without scripts the
// same buttons go to the server, which does the same.
// The row's words come from the page, in its language: the list's data-legend and
// data-remove hold "__number__" where the row's number goes.
function rowWords(list, key, number) {
  return (list.dataset[key] || "").replaceAll("__number__", String(number));
}

function renumber(list, kind) {
  const rows = list.querySelectorAll(`:scope > [data-row="${kind}"]`);
  rows.forEach((row, index) => {
    const number = index + 1;
    const legend = row.querySelector("legend");
    if (legend && list.dataset.legend) legend.textContent = rowWords(list, "legend", number);
    const remove = row.querySelector(`button[name="remove_${kind}"]`);
    if (remove) {
      if (list.dataset.remove) remove.textContent = rowWords(list, "remove", number);
      remove.hidden = rows.length <= 1; // the last row stays
    }
  });
  const add = document.querySelector(`[data-add-row="${kind}"]`);
  if (add) add.hidden = rows.length >= Number(list.dataset.max || 20);
}

function removeRow(event) {
  const button = event.currentTarget;
  const row = button.closest("[data-row]");
  const list = row.parentElement;
  const kind = row.dataset.row;
  if (list.querySelectorAll(`:scope > [data-row="${kind}"]`).length <= 1) return;
  event.preventDefault();
  const next = row.nextElementSibling || row.previousElementSibling;
  row.remove();
  renumber(list, kind);
  const focus = next && next.querySelector("input, textarea");
  if (focus) focus.focus();
}

function addRow(event) {
  const button = event.currentTarget;
  const kind = button.dataset.addRow;
  const list = document.querySelector(`[data-rows="${kind}"]`);
  const template = document.querySelector(`template[data-row-template="${kind}"]`);
  if (!list || !template) return;
  event.preventDefault();
  const index = Number(template.dataset.next);
  template.dataset.next = String(index + 1);
  const group = kind === "child" ? "children" : "adults";
  const row = template.content.firstElementChild.cloneNode(true);
  // The template's names and ids ("new-children-0-given_name") become this row's.
  const from = `new-${group}-0`;
  const to = `${group}-${index}`;
  for (const element of [row, ...row.querySelectorAll("*")]) {
    for (const attribute of [...element.attributes]) {
      if (attribute.value.includes(from)) {
        element.setAttribute(attribute.name, attribute.value.replaceAll(from, to));
      }
    }
  }
  list.append(row);
  renumber(list, kind);
  for (const remove of list.querySelectorAll(".govuk-button--warning[name^='remove_']")) {
    remove.removeEventListener("click", removeRow);
    remove.addEventListener("click", removeRow);
  }
  initAll({ scope: row });
  sameAddress(row);
  row.querySelector("input")?.focus();
}

for (const button of document.querySelectorAll("[data-add-row]")) {
  button.addEventListener("click", addRow);
}
for (const remove of document.querySelectorAll("[data-rows] .govuk-button--warning[name^='remove_']")) {
  remove.addEventListener("click", removeRow);
}

// The Cymraeg / English switch keeps what was typed: before the page is opened again in
// the other language, its forms' boxes are kept in this tab's sessionStorage, and put
// back when it opens (added rows included). Passwords, codes and files are never kept.
const KEEP_KEY = "encompass:switch-language";
const SKIP_TYPES = new Set(["password", "file", "hidden", "submit", "button"]);

function keepable(element) {
  return element.name && !SKIP_TYPES.has(element.type) && element.autocomplete !== "one-time-code";
}

for (const link of document.querySelectorAll("[data-language-switch]")) {
  link.addEventListener("click", () => {
    const kept = { path: window.location.pathname, rows: {}, values: [] };
    for (const list of document.querySelectorAll("[data-rows]")) {
      kept.rows[list.dataset.rows] = list.querySelectorAll(`:scope > [data-row]`).length;
    }
    for (const form of document.querySelectorAll("main form")) {
      for (const element of form.elements) {
        if (!keepable(element)) continue;
        if ((element.type === "checkbox" || element.type === "radio") && !element.checked) continue;
        kept.values.push([element.name, element.value, element.type]);
      }
    }
    if (kept.values.length) sessionStorage.setItem(KEEP_KEY, JSON.stringify(kept));
  });
}

const keptJson = sessionStorage.getItem(KEEP_KEY);
if (keptJson) {
  sessionStorage.removeItem(KEEP_KEY);
  const kept = JSON.parse(keptJson);
  if (kept.path === window.location.pathname) {
    for (const [kind, count] of Object.entries(kept.rows || {})) {
      const list = document.querySelector(`[data-rows="${kind}"]`);
      const add = document.querySelector(`[data-add-row="${kind}"]`);
      while (list && add && list.querySelectorAll(`:scope > [data-row]`).length < count) {
        const before = list.querySelectorAll(`:scope > [data-row]`).length;
        add.click();
        if (list.querySelectorAll(`:scope > [data-row]`).length === before) break;
      }
    }
    const forms = [...document.querySelectorAll("main form")];
    for (const form of forms) {
      for (const element of form.elements) {
        if (!keepable(element)) continue;
        if (element.type === "checkbox" || element.type === "radio") element.checked = false;
      }
    }
    for (const [name, value, type] of kept.values) {
      for (const form of forms) {
        for (const element of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
          if (!keepable(element)) continue;
          if (type === "checkbox" || type === "radio") {
            if (element.value === value) element.checked = true;
          } else {
            element.value = value;
          }
        }
      }
    }
  }
}
