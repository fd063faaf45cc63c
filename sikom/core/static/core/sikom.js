// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so screen-reader users hear what went wrong.
  var summary = document.getElementById("fehler");
  if (summary) { summary.focus(); }
});

// Danger analysis: while the analyst has not changed the suggested reassessment date, it follows the chosen level.
document.addEventListener("DOMContentLoaded", function () {
  var date = document.querySelector("input[data-review-dates]");
  if (!date) { return; }
  var dates = JSON.parse(date.getAttribute("data-review-dates"));
  var suggested = date.value;
  document.querySelectorAll("input[name='level']").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (radio.checked && date.value === suggested && dates[radio.value]) {
        date.value = suggested = dates[radio.value];
      }
    });
  });
});
