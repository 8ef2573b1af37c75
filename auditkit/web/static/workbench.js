// auditkit workbench: drop a package, follow a run, filter findings. No build step, no network.
(function () {
  "use strict";
  var drop = document.getElementById("drop");
  var input = document.getElementById("files");
  var chosen = document.getElementById("chosen");
  function list(files) {
    if (!chosen) return;
    chosen.innerHTML = "";
    for (var i = 0; i < files.length; i++) {
      var li = document.createElement("li");
      li.textContent = files[i].name;
      chosen.appendChild(li);
    }
  }
  if (drop && input) {
    input.addEventListener("change", function () { list(input.files); });
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        list(input.files);
      }
    });
  }
  var progress = document.getElementById("progress");
  if (progress) {
    var step = document.getElementById("step");
    var meter = document.getElementById("meter");
    var poll = function () {
      fetch(progress.dataset.status, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
        if (s.state === "done" || s.state === "failed" || s.state === "gone") { window.location.replace(progress.dataset.result); return; }
        if (s.position > 0) { step.textContent = "排队等候中：前面还有 " + s.position + " 个审核任务，轮到时自动开始。"; }
        else if (s.step) { step.textContent = s.step + (s.total ? "（" + s.done + "/" + s.total + "）" : ""); }
        var width = s.total ? Math.round(100 * s.done / s.total) : Math.min(95, (parseInt(meter.style.width, 10) || 5) + 5);
        meter.style.width = width + "%";
        setTimeout(poll, 700);
      }).catch(function () { setTimeout(poll, 1500); });
    };
    setTimeout(poll, 500);
  }
  var severity = document.getElementById("filter-severity");
  var region = document.getElementById("filter-region");
  function filter() {
    var items = document.querySelectorAll(".finding");
    for (var i = 0; i < items.length; i++) {
      var ok = (!severity.value || items[i].dataset.severity === severity.value) &&
               (!region.value || items[i].dataset.region === region.value);
      items[i].classList.toggle("hidden", !ok);
    }
  }
  if (severity && region) { severity.addEventListener("change", filter); region.addEventListener("change", filter); }
})();
