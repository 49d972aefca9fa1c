// The lokmin report's "Cetak" button: the browser's print dialog (print CSS hides the controls).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-report");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
});
