/* Posyandu Sync field client: small progressive enhancements over server-rendered pages.
   No framework, no network but the local app. All data lives in the local SQLite store. */
"use strict";

(function () {
  const MSG = JSON.parse(document.getElementById("messages")?.textContent || "{}");
  const LANG = document.documentElement.lang || "id";
  const msg = (key, params) => {
    let text = MSG[key] || key;
    for (const [k, v] of Object.entries(params || {})) text = text.replaceAll("{" + k + "}", v);
    return text;
  };

  /* Every write carries a JSON body: the local app refuses any other write from a browser
     (a cross-site form cannot send JSON), DELETE included. */
  async function api(method, url, body) {
    const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body === undefined && method !== "GET") body = {};
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    let data = null;
    if (response.status !== 204) {
      try { data = await response.json(); } catch (e) { data = null; }
    }
    return { status: response.status, ok: response.ok, data };
  }

  function errorOf(result) {
    return (result && result.data && result.data.error) || { message: msg("client.js.action_failed") };
  }

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  function withParams(url, params) {
    const target = new URL(url, window.location.origin);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    return target.pathname + target.search;
  }

  /* ---- the device's formats: dd/mm/yyyy and a decimal comma ------------------------- */

  function fmtNum(value, places) {
    if (value === null || value === undefined || value === "") return "";
    const text = places === undefined ? String(value) : Number(value).toFixed(places);
    return LANG === "id" ? text.replace(".", ",") : text;
  }

  function fmtZ(z) {
    if (z === null || z === undefined) return "";
    return (z > 0 ? "+" : "") + fmtNum(z, 2);
  }

  function parseNumber(raw) {
    const text = raw.trim();
    if (text === "") return null;
    const value = Number(text.replace(",", "."));
    return Number.isFinite(value) ? value : text; // the app names what is wrong with the text
  }

  function parseDate(raw) {
    const text = raw.trim();
    if (text === "") return null;
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
    const found = text.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
    if (!found) return text;
    return `${found[3]}-${found[2].padStart(2, "0")}-${found[1].padStart(2, "0")}`;
  }

  /* ---- forms built from shared.records ------------------------------------------------ */

  function readInput(input) {
    const type = input.dataset.type;
    const raw = input.value;
    if (type === "boolean") return input.checked;
    if (type === "number" || type === "integer") return parseNumber(raw);
    if (type === "date") return parseDate(raw);
    if (type === "choice") return raw === "" ? null : raw;
    return raw.trim() === "" ? null : raw;
  }

  function collectForm(form) {
    const data = {};
    for (const input of form.querySelectorAll("input[name], select[name], textarea[name]")) {
      const name = input.name;
      const type = input.dataset.type;
      if (type === "confirm") continue;
      if (input.closest("[data-stages][hidden]")) continue; // not asked at this life stage
      if (type === "list") {
        if (!data[name]) data[name] = [];
        if (input.checked) data[name].push(input.value);
        continue;
      }
      if (type === "part") {
        const [group, part] = name.split(".");
        const toggle = form.querySelector(`[data-group-toggle="${group}"]`);
        if (toggle && !toggle.checked) { data[group] = null; continue; }
        data[group] = data[group] || {};
        data[group][part] = input.checked;
        continue;
      }
      data[name] = readInput(input);
    }
    return data;
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach((el) => { el.textContent = ""; });
    form.querySelectorAll(".invalid").forEach((el) => el.classList.remove("invalid"));
    const box = form.querySelector(".form-errors");
    if (box) { box.hidden = true; box.textContent = ""; }
  }

  function showErrors(form, error) {
    clearErrors(form);
    const details = (error && error.details) || {};
    const box = form.querySelector(".form-errors");
    const unplaced = [];
    for (const [field, messages] of Object.entries(details)) {
      const text = [].concat(messages).join(" ");
      const slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
      if (slot) {
        slot.textContent = text;
        slot.closest(".field")?.classList.add("invalid");
      } else {
        unplaced.push(text);
      }
    }
    if (box) {
      box.textContent = [error && error.message, ...unplaced].filter(Boolean).join(" ");
      box.hidden = false;
    }
    const first = form.querySelector(".invalid input, .invalid select, .invalid textarea");
    if (first) first.focus();
  }

  function target(form, record) {
    const redirect = form.dataset.redirect;
    const next = redirect ? redirect.replace("{id}", record && record.id ? record.id : "")
      : window.location.pathname + window.location.search;
    return withParams(next, { done: "saved" });
  }

  async function send(form, data) {
    if (form.dataset.resendSeq) {
      return api("POST", `/api/sync/quarantine/${form.dataset.resendSeq}/resend`, { fields: data });
    }
    if (form.dataset.recordId) {
      return api("PATCH", `/api/records/${form.dataset.kind}/${form.dataset.recordId}`, data);
    }
    return api("POST", `/api/records/${form.dataset.kind}`, data);
  }

  async function submitForm(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const button = form.querySelector("button[type=submit]");
    const data = collectForm(form);
    const confirm = form.querySelector("[data-type=confirm]");
    if (confirm && confirm.checked) data._confirm = true;
    if (form.dataset.differentPerson === "1") data._different_person = true;
    button.disabled = true;
    try {
      const result = await send(form, data);
      if (result.ok) {
        const saved = form.querySelector(".saved");
        if (saved) saved.hidden = false;
        window.location.assign(form.dataset.resendSeq
          ? withParams(window.location.pathname, { done: "resent" }) : target(form, result.data));
        return;
      }
      const error = errorOf(result);
      if (error.code === "implausible" || error.code === "needs_remeasure") {
        const box = form.querySelector(".confirm");
        if (box) box.hidden = false;
      }
      showErrors(form, error);
      if (error.code === "possible_duplicate") renderDuplicates(form, error.candidates || []);
    } catch (e) {
      showErrors(form, { message: msg("client.js.failed") });
    } finally {
      button.disabled = false;
      form.dataset.differentPerson = "";
    }
  }

  /* ---- likely duplicates, beside Simpan ---------------------------------------------- */

  function candidateItem(candidate) {
    const li = document.createElement("li");
    li.dataset.candidate = candidate.id;
    const name = document.createElement("strong");
    name.textContent = candidate.name;
    const facts = [msg("client.duplicates.born", { date: candidate.birth_date_text })];
    if (candidate.mother_name) facts.push(msg("client.duplicates.mother", { name: candidate.mother_name }));
    facts.push(candidate.last_visit_text
      ? msg("client.duplicates.last_visit", { date: candidate.last_visit_text })
      : msg("client.duplicates.no_visit"));
    if (candidate.nik) facts.push("NIK " + candidate.nik);
    const reasons = (candidate.reasons || []).map((r) => msg("client.duplicates.reason." + r));
    const open = document.createElement("a");
    open.href = candidate.url;
    open.className = "button";
    open.textContent = msg("client.duplicates.open");
    li.append(name, " — " + facts.join(" · ") + (reasons.length ? ` (${reasons.join(", ")})` : "") + " ", open);
    return li;
  }

  function renderDuplicates(form, candidates) {
    const panel = form.querySelector(".duplicates");
    if (!panel) return;
    const list = panel.querySelector("[data-candidates]");
    list.textContent = "";
    for (const candidate of candidates) list.appendChild(candidateItem(candidate));
    panel.hidden = candidates.length === 0;
  }

  function setupDuplicateCheck(form) {
    const check = debounce(async () => {
      const data = collectForm(form);
      if (!data.nik && !(data.name && data.birth_date)) { renderDuplicates(form, []); return; }
      const params = new URLSearchParams();
      for (const key of ["nik", "name", "birth_date", "mother_name"]) if (data[key]) params.set(key, data[key]);
      const result = await api("GET", "/api/persons/duplicates?" + params.toString());
      if (result.ok) renderDuplicates(form, result.data.candidates);
    }, 250);
    form.addEventListener("change", check);
    form.querySelector("[data-different-person]")?.addEventListener("click", () => {
      form.dataset.differentPerson = "1";
      form.requestSubmit();
    });
  }

  /* ---- registration: fields of the life stage, BBLR --------------------------------- */

  function stageOf(birthIso) {
    const birth = new Date(birthIso + "T00:00:00");
    if (Number.isNaN(birth.getTime())) return null;
    const now = new Date();
    let months = (now.getFullYear() - birth.getFullYear()) * 12 + now.getMonth() - birth.getMonth();
    if (now.getDate() < birth.getDate()) months -= 1;
    if (months < 0) return null;
    return months < 60 ? "balita" : months < 216 ? "anak" : "dewasa";
  }

  function setupStages(form) {
    const picker = document.querySelector(`[data-stage-for="${form.id}"]`);
    if (!picker) return;
    const apply = () => {
      const stage = picker.querySelector("input[name=stage]:checked")?.value;
      for (const field of form.querySelectorAll("[data-stages]")) {
        field.hidden = !field.dataset.stages.split(" ").includes(stage);
      }
    };
    picker.addEventListener("change", apply);
    form.querySelector("[name=birth_date]")?.addEventListener("change", (event) => {
      const stage = stageOf(parseDate(event.target.value) || "");
      const radio = stage && picker.querySelector(`input[value="${stage}"]`);
      if (radio) { radio.checked = true; apply(); }
    });
    apply();
  }

  function setupBblr(form) {
    const input = form.querySelector("[name=birth_weight_kg]");
    const alert = form.querySelector("[data-bblr]");
    if (!input || !alert) return;
    const update = () => {
      const kg = parseNumber(input.value);
      alert.hidden = !(typeof kg === "number" && kg < 2.5);
    };
    input.addEventListener("input", update);
    update();
  }

  /* ---- live previews ---------------------------------------------------------------- */

  function renderHardLimit(panel, result) {
    panel.querySelector("[data-preview-empty]").hidden = true;
    panel.querySelector("[data-preview-body]").hidden = true;
    const box = panel.querySelector("[data-hard-limit]");
    const list = box.querySelector('[data-out="hard-limit"]');
    list.textContent = "";
    for (const messages of Object.values(result.errors || {})) {
      const li = document.createElement("li");
      li.className = "alert danger";
      li.textContent = [].concat(messages).join(" ");
      list.appendChild(li);
    }
    box.hidden = false;
  }

  function renderGrowth(panel, result) {
    const form = document.querySelector("form[data-preview=growth]");
    const confirm = form && form.querySelector(".confirm");
    if (result.hard_limit) {
      renderHardLimit(panel, result);
      if (confirm) confirm.hidden = true; // nothing to confirm: it cannot be saved
      return;
    }
    panel.querySelector("[data-hard-limit]").hidden = true;
    panel.querySelector("[data-preview-empty]").hidden = true;
    panel.querySelector("[data-preview-body]").hidden = false;
    panel.querySelector('[data-out="age"]').textContent =
      msg("client.growth.age", { months: result.age_months, days: result.age_days });
    for (const row of panel.querySelectorAll("tr[data-index]")) {
      const index = row.dataset.index;
      const z = result[index];
      row.hidden = z === null || z === undefined;
      row.querySelector("[data-z]").textContent = fmtZ(z);
      const cat = row.querySelector("[data-cat]");
      cat.textContent = (result.categories && result.categories[index]) || "";
      row.className = "level-" + ((result.levels && result.levels[index]) || "none");
    }
    const growth = result.growth;
    const out = panel.querySelector('[data-out="growth"]');
    if (growth) {
      out.textContent = msg("client.growth.status." + growth.status, {
        gain: growth.gain_g === null ? "" : growth.gain_g, kbm: growth.kbm_g === null ? "" : growth.kbm_g,
      });
      out.className = "nt-line nt-" + growth.status;
    } else {
      out.textContent = "";
    }
    const alerts = panel.querySelector('[data-out="alerts"]');
    alerts.textContent = "";
    for (const alert of result.alerts || []) {
      const li = document.createElement("li");
      li.className = "alert " + alert.level;
      li.dataset.alert = alert.code;
      li.textContent = alert.message;
      alerts.appendChild(li);
    }
    if (confirm) confirm.hidden = !(result.implausible || result.needs_remeasure);
  }

  function setupGrowthPreview(form) {
    const panel = document.getElementById("growth-preview");
    const update = debounce(async () => {
      const data = collectForm(form);
      data.person_id = form.dataset.personId;
      if (form.dataset.recordId) data.visit_id = form.dataset.recordId;
      if (data.weight_kg === null && data.length_cm === null && data.head_cm === null && data.muac_cm === null) return;
      const result = await api("POST", "/api/growth/preview", data);
      if (result.ok) renderGrowth(panel, result.data);
    }, 200);
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  function setupDerivePreview(form) {
    const aside = form.parentElement.querySelector(".preview");
    const update = debounce(async () => {
      const data = collectForm(form);
      if (form.dataset.recordId) data.id = form.dataset.recordId;
      const result = await api("POST", `/api/records/${form.dataset.kind}/derive`, data);
      if (!result.ok || !aside) return;
      const derived = result.data.derived || {};
      aside.querySelectorAll("[data-flag]").forEach((el) => { el.hidden = !derived[el.dataset.flag]; });
      aside.querySelectorAll("[data-value]").forEach((el) => {
        const value = derived[el.dataset.value];
        if (value === null || value === undefined || value === "") { el.textContent = el.dataset.prefix ? "" : "—"; return; }
        if (el.dataset.prefix) el.textContent = "(" + msg(el.dataset.prefix + value) + ")";
        else if (el.dataset.template) el.textContent = el.dataset.template.replace("{n}", value);
        else if (el.dataset.decimals) el.textContent = fmtNum(value, Number(el.dataset.decimals));
        else el.textContent = value;
      });
    }, 200);
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  /* ---- delete with a way back ------------------------------------------------------- */

  function setupDelete(button) {
    const box = button.closest(".delete-box");
    const confirm = box.querySelector(".delete-confirm");
    const error = box.querySelector("[data-delete-error]");
    button.addEventListener("click", () => {
      confirm.hidden = !confirm.hidden;
      button.setAttribute("aria-expanded", String(!confirm.hidden));
      if (!confirm.hidden) confirm.querySelector("[data-delete-yes]").focus();
    });
    box.querySelector("[data-delete-no]").addEventListener("click", () => {
      confirm.hidden = true;
      button.setAttribute("aria-expanded", "false");
    });
    box.querySelector("[data-delete-yes]").addEventListener("click", async (event) => {
      event.target.disabled = true;
      const { deleteKind: kind, deleteId: id } = button.dataset;
      try {
        const result = await api("DELETE", `/api/records/${kind}/${id}`);
        if (result.ok) {
          window.location.assign(withParams(button.dataset.redirect || "/", { done: "deleted", undo: `${kind}:${id}` }));
          return;
        }
        error.textContent = errorOf(result).message;
      } catch (e) {
        error.textContent = msg("client.js.action_failed");
      }
      event.target.disabled = false;
    });
  }

  function setupUndo(button) {
    const error = button.parentElement.querySelector("[data-undo-error]");
    button.addEventListener("click", async () => {
      button.disabled = true;
      const { restoreKind: kind, restoreId: id } = button.dataset;
      try {
        const result = await api("POST", `/api/records/${kind}/${id}/restore`, {});
        if (result.ok) {
          window.location.assign(withParams(button.dataset.restoreTo || "/", { done: "restored", what: `${kind}:${id}` }));
          return;
        }
        error.textContent = errorOf(result).message;
      } catch (e) {
        error.textContent = msg("client.js.action_failed");
      }
      button.disabled = false;
    });
  }

  function pageError(text) {
    const box = document.getElementById("page-error");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  /* ---- sync page -------------------------------------------------------------------- */

  function renderStatus(status) {
    const root = document.getElementById("sync-status");
    if (!root) return;
    for (const el of root.querySelectorAll("[data-status]")) {
      const key = el.dataset.status;
      if (key === "phase") {
        const phase = status.progress && status.progress.phase;
        el.textContent = status.in_progress && phase ? msg("client.js.phase." + phase, status.progress) : "";
      } else if (status[key] !== undefined && status[key] !== null && status[key] !== "") {
        el.textContent = status[key];
      }
    }
    const bar = document.getElementById("sync-progress");
    const progress = status.progress || {};
    bar.hidden = !status.in_progress;
    if (progress.total) bar.value = Math.round((100 * progress.done) / progress.total);
    else bar.removeAttribute("value");
    root.dataset.inProgress = status.in_progress ? "true" : "false";
    document.getElementById("sync-now").disabled = !!status.in_progress;
  }

  async function pollStatus() {
    const result = await api("GET", "/api/sync/status");
    if (!result.ok) { pageError(errorOf(result).message); return; }
    renderStatus(result.data);
    if (result.data.in_progress) setTimeout(pollStatus, 500);
    else if (document.getElementById("sync-status").dataset.started === "1") window.location.reload();
  }

  async function act(method, url, body, done) {
    try {
      const result = await api(method, url, body);
      if (result.ok) { window.location.assign(withParams(window.location.pathname, { done })); return; }
      pageError(errorOf(result).message);
    } catch (e) {
      pageError(msg("client.js.action_failed"));
    }
  }

  function setupSyncPage() {
    const button = document.getElementById("sync-now");
    if (!button) return;
    button.addEventListener("click", async () => {
      button.disabled = true;
      document.getElementById("sync-status").dataset.started = "1";
      const result = await api("POST", "/api/sync", {});
      if (!result.ok) { pageError(errorOf(result).message); button.disabled = false; return; }
      pollStatus();
    });
    for (const b of document.querySelectorAll("[data-discard-seq]")) {
      b.addEventListener("click", () => {
        if (!window.confirm(msg("client.js.confirm_discard"))) return;
        act("POST", `/api/sync/quarantine/${b.dataset.discardSeq}/discard`, {}, "discarded");
      });
    }
    for (const b of document.querySelectorAll("[data-resend-delete]")) {
      b.addEventListener("click", () => act("POST", `/api/sync/quarantine/${b.dataset.resendDelete}/resend`, { fields: {} }, "resent"));
    }
    if (document.getElementById("sync-status").dataset.inProgress === "true") pollStatus();
  }

  /* ---- printing: window.print() in a browser, a PDF in the app's window ------------- */

  /* QtWebEngine (the pywebview window) ignores window.print(), and pywebview's own JS API
     needs eval, which this app's Content-Security-Policy refuses: the page asks the local app,
     whose launcher renders the window's page with Qt's printToPdf into Documents. */
  async function printPage(bar) {
    const result = document.getElementById("print-result");
    const inWindow = bar.dataset.pdfWindow === "1" || Boolean(window.pywebview);
    if (!inWindow) { window.print(); return; }
    const button = bar.querySelector("[data-print]");
    button.disabled = true;
    result.hidden = false;
    result.className = "alert info";
    result.textContent = bar.dataset.saving;
    const answer = await api("POST", "/api/cetak/pdf", { name: bar.dataset.pdfName });
    button.disabled = false;
    if (answer.status === 404) { result.hidden = true; window.print(); return; }
    if (!answer.ok) { result.hidden = true; pageError(errorOf(answer).message); return; }
    result.className = "alert ok";
    result.textContent = answer.data.message;
    result.dataset.path = answer.data.path;
  }

  function setupPrint() {
    const bar = document.getElementById("print-bar");
    if (!bar) return;
    bar.querySelector("[data-print]").addEventListener("click", () => printPage(bar));
    const url = new URL(window.location.href);
    if (url.searchParams.get("cetak") !== "1") return;
    // Opened by a "Cetak" button: print once, and not again on reload or Back.
    url.searchParams.delete("cetak");
    history.replaceState(null, "", url.pathname + url.search);
    const run = () => printPage(bar);
    if (document.readyState === "complete") run();
    else window.addEventListener("load", run, { once: true });
  }

  /* ---- conflicts: decide with a confirmation naming the value, reopen ----------------- */

  function setupConflict(card) {
    const boxes = card.querySelectorAll("[data-conflict-confirm]");
    const show = (which) => {
      for (const box of boxes) box.hidden = box.dataset.conflictConfirm !== which;
      card.querySelector(`[data-conflict-confirm="${which}"] [data-conflict-yes]`)?.focus();
    };
    card.querySelectorAll("[data-conflict-ask]").forEach((b) => {
      b.addEventListener("click", () => show(b.dataset.conflictAsk));
    });
    card.querySelectorAll("[data-conflict-no]").forEach((b) => {
      b.addEventListener("click", () => show(null));
    });
    card.querySelectorAll("[data-conflict-yes]").forEach((b) => {
      b.addEventListener("click", async () => {
        b.disabled = true;
        const id = card.dataset.conflict;
        const what = b.dataset.conflictYes;
        if (what === "reopen") await act("POST", `/api/sync/conflicts/${id}/reopen`, {}, "reopened");
        else await act("POST", `/api/sync/conflicts/${id}/resolve`, { choice: what }, "resolved");
        b.disabled = false;
      });
    });
  }

  /* ---- a new desa report starts from the device's births and deaths ----------------- */

  /* ---- the month's report: send it, or ask the puskesmas to reopen it (month_review.py) -- */
  function setupMonthReview() {
    const submit = document.getElementById("review-submit");
    if (submit) submit.addEventListener("click", () => {
      submit.disabled = true;
      const d = submit.dataset;
      const fields = { status: "submitted", note: null, ...(d.reviewBy ? { by: d.reviewBy } : {}) };
      if (d.reviewExists) act("PATCH", `/api/records/period_review/${d.reviewId}`, fields, "review_sent");
      else act("POST", "/api/records/period_review", {
        id: d.reviewId, posyandu_id: d.reviewPosyandu, period: d.reviewPeriod, ...fields,
      }, "review_sent");
    });
    const ask = document.getElementById("review-ask-reopen");
    if (ask) ask.addEventListener("click", () => {
      ask.disabled = true;
      act("PATCH", `/api/records/period_review/${ask.dataset.reviewId}`,
        { reopen_request: ask.dataset.reviewText }, "reopen_asked");
    });
  }

  function setupDesaPrefill(form) {
    const counts = ["births_live", "births_still", "deaths_maternal", "deaths_neonatal", "deaths_infant", "deaths_under5"];
    const touched = new Set();
    for (const name of counts) {
      form.querySelector(`[name=${name}]`)?.addEventListener("input", () => touched.add(name));
    }
    const refill = async () => {
      const data = collectForm(form);
      if (!data.desa_code || !data.period) return;
      const result = await api("GET", "/api/desa-report/facts?" + new URLSearchParams({ desa_code: data.desa_code, period: data.period }));
      if (!result.ok) return;
      for (const name of counts) {
        const input = form.querySelector(`[name=${name}]`);
        if (input && !touched.has(name)) input.value = fmtNum(result.data[name]);
      }
    };
    form.querySelector("[name=period]")?.addEventListener("change", refill);
    form.querySelector("[name=desa_code]")?.addEventListener("change", refill);
  }

  /* ---- wiring ----------------------------------------------------------------------- */

  document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("form.record-form")) {
      form.addEventListener("submit", submitForm);
      if (form.dataset.preview === "growth") setupGrowthPreview(form);
      if (form.dataset.preview === "derive") setupDerivePreview(form);
      if (form.dataset.duplicateCheck) setupDuplicateCheck(form);
      if (form.dataset.prefill === "desa") setupDesaPrefill(form);
      setupStages(form);
      setupBblr(form);
    }
    for (const toggle of document.querySelectorAll("[data-group-toggle]")) {
      toggle.addEventListener("change", () => {
        const parts = toggle.closest("fieldset").querySelector(".group-parts");
        if (parts) parts.hidden = !toggle.checked;
      });
    }
    document.querySelectorAll("[data-delete-id]").forEach(setupDelete);
    document.querySelectorAll("[data-undo]").forEach(setupUndo);
    setupSyncPage();
    setupPrint();
    setupMonthReview();
    // on a phone the menu scrolls sideways: show the page the kader is on
    document.querySelector(".topbar nav a.active")?.scrollIntoView({ block: "nearest", inline: "nearest" });
    document.querySelectorAll("[data-conflict]").forEach(setupConflict);
    document.body.dataset.ready = "1";
  });
})();
