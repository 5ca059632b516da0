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
