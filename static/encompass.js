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
      if (status) status.textContent = "Copied. Paste it into your safeguarding record.";
    } catch {
      target.select();
      if (status) status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected text.";
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
for (const box of document.querySelectorAll("[data-same-address]")) {
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
