// Progressive autocomplete: the form works without this; with it, suggestions (汉字、拼音、首字母)
// appear under the box and can be chosen by mouse or keyboard. Facet checkboxes apply at once.
(function () {
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggestions");
  var form = document.getElementById("search-form");
  if (!input || !list || !form || !window.fetch) return;
  var url = input.getAttribute("data-suggest-url");
  var timer = null, active = -1, seq = 0;

  function close() { list.hidden = true; list.innerHTML = ""; active = -1; input.setAttribute("aria-expanded", "false"); }
  function choose(text) { input.value = text; close(); form.querySelectorAll("input[name=page]").forEach(function (e) { e.remove(); }); form.submit(); }
  function render(items) {
    list.innerHTML = "";
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "suggestion-" + i;
      li.textContent = item.text;
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item.text); });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
  }
  function fetchSuggestions() {
    var q = input.value.trim();
    if (!q) { close(); return; }
    var mine = ++seq;
    fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (mine === seq) { active = -1; render(data.suggestions || []); } })
      .catch(close);
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fetchSuggestions, 150); });
  input.addEventListener("keydown", function (e) {
    var items = list.querySelectorAll("li");
    if (list.hidden || !items.length) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    } else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      choose(items[active].textContent);
    } else if (e.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
  form.querySelectorAll(".facet input[type=checkbox], #search-sort").forEach(function (el) {
    el.addEventListener("change", function () { form.submit(); });
  });
})();
