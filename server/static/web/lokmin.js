// The lokmin report's "Cetak" button: the browser's print dialog (print CSS hides the controls).
(function () {
  function wire() {
    var button = document.getElementById("print-report");
    if (button) {
      button.onclick = function () { window.print(); };
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
