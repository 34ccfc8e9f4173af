// The ballot's ranking: drag and drop (Sortable.js) and keyboard (Alt+ArrowUp/Down on a
// focused candidate, or its move buttons), announced in an aria-live region. The script
// writes the position fields, which are the form's only ranking input (typed by hand when
// scripts are off).
(function () {
  "use strict";

  function setUp() {
    var list = document.getElementById("ranking");
    if (!list) return;
    var status = document.getElementById("rank-status");
    list.classList.add("scripted");

    function items() { return Array.prototype.slice.call(list.querySelectorAll("li.candidate")); }
    function name(item) { return item.querySelector(".name").textContent; }
    function renumber() {
      items().forEach(function (item, index) {
        item.querySelector("input[name^='position.']").value = String(index + 1);
      });
    }
    function announce(item) {
      var all = items();
      status.textContent = name(item) + " moved to position " + (all.indexOf(item) + 1) + " of " + all.length + ".";
    }
    function move(item, step) {
      var all = items();
      var index = all.indexOf(item);
      var target = index + step;
      if (target < 0 || target >= all.length) return;
      if (step < 0) list.insertBefore(item, all[target]);
      else list.insertBefore(all[target], item);
      renumber();
      announce(item);
    }

    // ranked ones keep their order; unranked ones follow in page order
    renumber();
    items().forEach(function (item) {
      item.querySelectorAll("button.move").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          move(item, Number(button.getAttribute("data-move")));
          button.focus();
        });
      });
      item.addEventListener("keydown", function (event) {
        if (event.target !== item || !event.altKey) return;
        if (event.key === "ArrowUp" || event.key === "ArrowDown") {
          event.preventDefault();
          move(item, event.key === "ArrowUp" ? -1 : 1);
          item.focus();
        }
      });
    });
    if (window.Sortable) {
      window.Sortable.create(list, {
        animation: 120,
        handle: ".handle, .name",
        onEnd: function (event) { renumber(); announce(event.item); }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
