// Paket rapat: the "Cetak / simpan PDF" button opens the browser's print dialog (CSP: no inline script).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
});
