/*
 * Long choice lists as an accessible autocomplete.
 *
 * Every <select> of a page with more than MIN_OPTIONS options (an organisation among 1,756, a municipality
 * among 1,502) becomes Bootstrap Italia's SelectAutocomplete, built on GOV.UK's accessible-autocomplete: a
 * text field that proposes the matching options as one types, announced to screen readers. The options
 * are the ones the server put in the select, so the list stays filtered to what the user may choose.
 * Without JavaScript the select stays as it is.
 *
 * One choice: the select keeps the name and is kept in step with the field; what is typed without being
 * chosen is sent as an invalid value, so the server answers "choose a valid option" instead of keeping an
 * old value or emptying the field silently.
 * Several choices: the chosen ones are listed, each with a button to remove it, above a field to add one.
 */
(function () {
  "use strict";

  const MIN_OPTIONS = 30;
  const NOT_A_CHOICE = "__not_a_choice__";
  const english = (document.documentElement.lang || "it").toLowerCase().startsWith("en");
  const T = english
    ? {
        hint: () =>
          "When autocomplete results are available use up and down arrows to review and enter to select. Touch device users, explore by touch or with swipe gestures.",
        noResults: () => "No results found",
        queryTooShort: (n) => `Type in ${n} or more characters for results`,
        statusNoResults: () => "No search results",
        selected: (option, length, index) => `${option} ${index + 1} of ${length} is highlighted`,
        results: (length, content) => `${length} ${length === 1 ? "result is" : "results are"} available. ${content}`,
        remove: (label) => `Remove ${label}`,
        chosen: "Chosen:",
        none: "None chosen yet.",
        added: (label) => `${label} added.`,
        removed: (label) => `${label} removed.`,
      }
    : {
        hint: undefined, // Bootstrap Italia's own Italian texts
        noResults: undefined,
        queryTooShort: undefined,
        statusNoResults: undefined,
        selected: undefined,
        results: undefined,
        remove: (label) => `Rimuovi ${label}`,
        chosen: "Scelti:",
        none: "Nessuna scelta per ora.",
        added: (label) => `${label} aggiunto.`,
        removed: (label) => `${label} rimosso.`,
      };

  function texts() {
    const out = {};
    if (T.hint) {
      out.tAssistiveHint = T.hint;
      out.tNoResults = T.noResults;
      out.tStatusQueryTooShort = T.queryTooShort;
      out.tStatusNoResults = T.statusNoResults;
      out.tStatusSelectedOption = T.selected;
      out.tStatusResults = T.results;
    }
    return out;
  }

  const label = (option) => (option.textContent || "").trim();

  function optionByLabel(select, text) {
    const wanted = text.trim().toLowerCase();
    return Array.from(select.options).find((o) => o.value !== "" && label(o).toLowerCase() === wanted);
  }

  // Two options with the same label could not be told apart by their text: the later ones get their
  // position added ("Comune di Castello (2)").
  function uniqueLabels(select) {
    const seen = new Map();
    for (const option of select.options) {
      const text = label(option);
      const n = (seen.get(text) || 0) + 1;
      seen.set(text, n);
      if (n > 1) option.textContent = `${text} (${n})`;
    }
  }

  // The hint and the error the server linked to the select belong to the field that replaces it.
  function keepDescription(input, describedBy) {
    if (!input || !describedBy) return;
    const apply = () => {
      const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      const missing = describedBy.split(/\s+/).filter((id) => !ids.includes(id));
      if (missing.length) input.setAttribute("aria-describedby", ids.concat(missing).join(" "));
    };
    apply();
    new MutationObserver(apply).observe(input, { attributes: true, attributeFilter: ["aria-describedby"] });
  }

  function whenInput(id, then) {
    // Bootstrap Italia finishes the field on a timer: wait for it.
    let tries = 0;
    const look = () => {
      const input = document.getElementById(id);
      if (input && input.tagName === "INPUT") then(input);
      else if (tries++ < 50) setTimeout(look, 20);
    };
    look();
  }

  // Bootstrap Italia's SelectAutocomplete draws the field in a container: the select it replaces is hidden
  // (renamed "<id>-select", or "<id>-values" for several choices) and the field takes its id and label.
  function mount(select, id, config) {
    const holder = document.createElement("div");
    holder.className = "concilia-autocomplete";
    select.before(holder);
    select.hidden = true;
    select.style.display = "none";
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    const labels = Array.from(select.options).filter((o) => o.value !== "").map(label);
    new bootstrap.SelectAutocomplete(holder, Object.assign(texts(), { id: id, source: labels }, config));
    return holder;
  }

  function enhanceOne(select) {
    const id = select.id;
    const describedBy = select.getAttribute("aria-describedby");
    const required = select.required;
    uniqueLabels(select);
    // Text refused by the server comes back in the field, so the user corrects it instead of typing it again.
    const typedKey = `concilia-autocomplete:${location.pathname}:${select.name}`;
    const refused = select.getAttribute("aria-invalid") === "true" ? sessionStorage.getItem(typedKey) : null;
    sessionStorage.removeItem(typedKey);
    const current = select.value ? label(select.options[select.selectedIndex]) : refused || "";
    select.id = `${id}-select`;
    mount(select, id, {
      defaultValue: current,
      required: required,
      onConfirm: (text) => {
        const option = text ? optionByLabel(select, text) : null;
        if (option) select.value = option.value;
      },
    });
    whenInput(id, (input) => {
      input.dataset.autocompleteFor = select.name;
      if (required) input.setAttribute("aria-required", "true");
      if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
      keepDescription(input, describedBy);
      const form = input.form || select.form;
      if (!form) return;
      form.addEventListener("submit", () => {
        const typed = input.value.trim();
        if (!typed) {
          select.value = "";
          return;
        }
        const option = optionByLabel(select, typed);
        if (option) {
          select.value = option.value;
          return;
        }
        sessionStorage.setItem(typedKey, typed);
        let invalid = select.querySelector(`option[value="${NOT_A_CHOICE}"]`);
        if (!invalid) {
          invalid = new Option(typed, NOT_A_CHOICE);
          select.add(invalid);
        }
        select.value = NOT_A_CHOICE;
      });
    });
  }

  function enhanceMany(select) {
    const id = select.id;
    const describedBy = select.getAttribute("aria-describedby");
    uniqueLabels(select);
    // The select keeps the values and the name, hidden; the field above adds one.
    select.id = `${id}-values`;

    const chosen = document.createElement("div");
    chosen.className = "concilia-chosen mb-2";
    const heading = document.createElement("p");
    heading.className = "small mb-1";
    heading.id = `${id}-chosen`;
    heading.textContent = T.chosen;
    const list = document.createElement("ul");
    list.className = "list-unstyled d-flex flex-wrap gap-2 mb-0";
    list.setAttribute("aria-labelledby", heading.id);
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    chosen.append(heading, list, status);

    function render() {
      list.replaceChildren();
      const selected = Array.from(select.selectedOptions);
      if (!selected.length) {
        const li = document.createElement("li");
        li.className = "text-muted small";
        li.textContent = T.none;
        list.append(li);
      }
      for (const option of selected) {
        const li = document.createElement("li");
        li.className = "concilia-chip";
        const span = document.createElement("span");
        span.className = "concilia-chip-label";
        span.textContent = label(option);
        const button = document.createElement("button");
        button.type = "button";
        button.className = "concilia-chip-remove";
        button.setAttribute("aria-label", T.remove(label(option)));
        button.textContent = "×";
        button.addEventListener("click", () => {
          option.selected = false;
          status.textContent = T.removed(label(option));
          render();
          const input = document.getElementById(id);
          if (input) input.focus();
        });
        li.append(span, button);
        list.append(li);
      }
    }
    render();

    const holder = mount(select, id, {
      defaultValue: "",
      onConfirm: (text) => {
        const option = text ? optionByLabel(select, text) : null;
        if (!option) return;
        option.selected = true;
        status.textContent = T.added(label(option));
        render();
        // Empty the field for the next one, through the component (an input event), once it has shown the choice.
        setTimeout(() => {
          const input = document.getElementById(id);
          if (!input) return;
          input.value = "";
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }, 50);
      },
    });
    holder.before(chosen);
    whenInput(id, (input) => {
      input.dataset.autocompleteFor = select.name;
      keepDescription(input, [`${id}-chosen`, describedBy].filter(Boolean).join(" "));
    });
  }

  function enhance(root) {
    if (typeof bootstrap === "undefined" || !bootstrap.SelectAutocomplete) return;
    for (const select of root.querySelectorAll("select")) {
      if (select.dataset.autocomplete === "off" || select.dataset.autocompleteDone) continue;
      if (select.options.length <= MIN_OPTIONS) continue;
      select.dataset.autocompleteDone = "1";
      if (select.multiple) enhanceMany(select);
      else enhanceOne(select);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => enhance(document));
  else enhance(document);
})();
