/* The child visit form's dose offer follows the visit date: when the kader types another date
   (a late entry), the offer for that day is fetched from the laptop and swapped in, keeping the
   doses already ticked. Saving judges the doses by the visit date either way. */
(function () {
  "use strict";

  function isoDay(raw) {
    const text = raw.trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
    const found = text.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
    if (!found) return null;
    return `${found[3]}-${found[2].padStart(2, "0")}-${found[1].padStart(2, "0")}`;
  }

  function follow(form, input) {
    let asked = 0;
    async function refresh() {
      const picker = document.getElementById("doses");
      const day = isoDay(input.value);
      if (!picker || !day || day === picker.dataset.day) return;
      const mine = ++asked;
      const response = await fetch(`${picker.dataset.url}?tanggal=${encodeURIComponent(day)}`);
      if (!response.ok || mine !== asked) return; // a later date was typed meanwhile
      const holder = document.createElement("div");
      holder.innerHTML = await response.text();
      const fresh = holder.querySelector("#doses");
      if (!fresh) return;
      const current = document.getElementById("doses");
      const ticked = new Set(
        [...current.querySelectorAll("input[name=_doses]:checked")].map((box) => box.value));
      for (const box of fresh.querySelectorAll("input[name=_doses]")) box.checked = ticked.has(box.value);
      const more = fresh.querySelector("#doses-more");
      if (more && current.querySelector("#doses-more")?.open) more.open = true;
      current.replaceWith(fresh);
    }
    input.addEventListener("change", refresh);
    input.addEventListener("input", refresh);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("visit-form");
    const input = form?.querySelector("[name=visit_date]");
    if (form && input && document.getElementById("doses")) follow(form, input);
  });
})();
