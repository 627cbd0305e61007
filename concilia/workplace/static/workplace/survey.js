// Conditions of a questionnaire applied as the respondent answers: a question whose condition is not
// met is hidden and its inputs disabled (so not sent). The server applies the same rules again.
(function () {
  "use strict";
  var form = document.querySelector("[data-survey-form]");
  if (!form) { return; }
  function answerOf(code) {
    var inputs = form.querySelectorAll('[name="' + code + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if (input.disabled) { return; }
      if ((input.type === "radio" || input.type === "checkbox")) {
        if (input.checked) { values.push(input.value); }
      } else if (input.value.trim() !== "") {
        values.push(input.value.trim());
      }
    });
    return values;
  }
  function met(box) {
    var given = answerOf(box.dataset.conditionCode);
    if (!given.length) { return false; }
    var op = box.dataset.conditionOperator;
    var wanted = box.dataset.conditionValue;
    if (op === "in") {
      var codes = wanted.split(",").map(function (v) { return v.trim(); });
      return given.some(function (v) { return codes.indexOf(v) >= 0; });
    }
    var value = parseFloat(given[0]);
    var number = parseFloat(wanted.replace(",", "."));
    if (isNaN(value) || isNaN(number)) { return false; }
    if (op === "eq") { return value === number; }
    if (op === "gte") { return value >= number; }
    if (op === "lte") { return value <= number; }
    return false;
  }
  function apply() {
    // In order: a hidden question hides the ones that depend on it.
    form.querySelectorAll("[data-condition-code]").forEach(function (box) {
      var show = met(box);
      box.hidden = !show;
      box.querySelectorAll("input, textarea, select").forEach(function (input) { input.disabled = !show; });
    });
  }
  form.addEventListener("change", apply);
  form.addEventListener("input", apply);
  // The preview sends nothing, not even on Enter in a field.
  if (form.hasAttribute("data-preview")) {
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }
  apply();
})();
