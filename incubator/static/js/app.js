// The app's only script: no inline handlers anywhere (the CSP forbids inline script).
"use strict";

document.addEventListener("submit", function (event) {
  const button = event.submitter;
  const message = button && button.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
    return;
  }
  // Guard against double submission of the same form.
  const form = event.target;
  if (form.dataset.submitting === "1") {
    event.preventDefault();
    return;
  }
  if (form.method.toLowerCase() === "post") {
    form.dataset.submitting = "1";
    setTimeout(function () { form.dataset.submitting = ""; }, 4000);
  }
});

// Live total while scoring: the sum over leaf indicators of points x weight.
function updateLiveTotals() {
  document.querySelectorAll("[data-live-total]").forEach(function (table) {
    let total = 0;
    table.querySelectorAll("input[data-weight]").forEach(function (input) {
      const value = parseFloat(input.value);
      if (!Number.isNaN(value)) {
        total += value * parseFloat(input.dataset.weight || "1");
      }
    });
    const output = document.getElementById("live-total");
    if (output) {
      output.textContent = String(Math.round(total * 100) / 100);
    }
  });
}
document.addEventListener("input", function (event) {
  if (event.target.matches && event.target.matches("input[data-weight]")) {
    updateLiveTotals();
  }
});
document.addEventListener("DOMContentLoaded", updateLiveTotals);

// Background jobs (imports, reports): poll the status until the job ends, then reload for the
// result. The status names its fields ({"fields": {name: text}, "bar": {value, max}}).
function pollJob(box) {
  fetch(box.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (job) {
      Object.keys(job.fields || {}).forEach(function (name) {
        const el = box.querySelector('[data-field="' + name + '"]');
        if (el) { el.textContent = String(job.fields[name]); }
      });
      const bar = box.querySelector('[data-field="bar"]');
      if (bar && job.bar) {
        bar.max = Math.max(job.bar.max, 1);
        bar.value = job.bar.value;
      }
      if (job.running) {
        setTimeout(function () { pollJob(box); }, 800);
      } else {
        window.location.reload();
      }
    })
    .catch(function () { setTimeout(function () { pollJob(box); }, 3000); });
}
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-poll]").forEach(pollJob);
});
