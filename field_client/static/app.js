/* Posyandu Sync field client: small progressive enhancements over server-rendered pages.
   No framework, no network but the local app. All data lives in the local SQLite store. */
"use strict";

(function () {
  const MSG = JSON.parse(document.getElementById("messages")?.textContent || "{}");
  const msg = (key, params) => {
    let text = MSG[key] || key;
    for (const [k, v] of Object.entries(params || {})) text = text.replaceAll("{" + k + "}", v);
    return text;
  };

  async function api(method, url, body) {
    const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
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

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  /* ---- forms built from shared.records ------------------------------------------------ */

  function readInput(input) {
    const type = input.dataset.type;
    const raw = input.value;
    if (type === "boolean") return input.checked;
    if (type === "number") return raw.trim() === "" ? null : Number(raw.replace(",", "."));
    if (type === "integer") return raw.trim() === "" ? null : Number(raw);
    if (type === "choice") return raw === "" ? null : raw;
    return raw.trim() === "" ? null : raw;
  }

  function collectForm(form) {
    const data = {};
    for (const input of form.querySelectorAll("input[name], select[name], textarea[name]")) {
      const name = input.name;
      const type = input.dataset.type;
      if (type === "confirm") continue;
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
    if (!redirect) return null;
    return redirect.replace("{id}", record && record.id ? record.id : "");
  }

  async function submitForm(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const button = form.querySelector("button[type=submit]");
    const data = collectForm(form);
    const confirm = form.querySelector("[data-type=confirm]");
    if (confirm && confirm.checked) data._confirm = true;
    button.disabled = true;
    try {
      let result;
      if (form.dataset.resendSeq) {
        result = await api("POST", `/api/sync/quarantine/${form.dataset.resendSeq}/resend`, { fields: data });
        if (result.ok) { window.location.reload(); return; }
      } else if (form.dataset.recordId) {
        result = await api("PATCH", `/api/records/${form.dataset.kind}/${form.dataset.recordId}`, data);
      } else {
        result = await api("POST", `/api/records/${form.dataset.kind}`, data);
      }
      if (result.ok) {
        const saved = form.querySelector(".saved");
        if (saved) saved.hidden = false;
        const next = target(form, result.data);
        if (next) { window.location.assign(next); return; }
        window.location.reload();
        return;
      }
      const error = (result.data && result.data.error) || { message: msg("client.js.failed") };
      if (error.code === "implausible") {
        const box = form.querySelector(".confirm");
        if (box) box.hidden = false;
      }
      showErrors(form, error);
    } catch (e) {
      showErrors(form, { message: msg("client.js.failed") });
    } finally {
      button.disabled = false;
    }
  }

  /* ---- live previews ---------------------------------------------------------------- */

  function fmtZ(z) {
    if (z === null || z === undefined) return "";
    return (z > 0 ? "+" : "") + z.toFixed(2);
  }

  function renderGrowth(panel, result) {
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
      const level = (result.levels && result.levels[index]) || "none";
      row.className = "level-" + level;
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
    const form = document.querySelector("form[data-preview=growth]");
    const confirm = form && form.querySelector(".confirm");
    if (confirm) confirm.hidden = !result.implausible;
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
        else el.textContent = value;
      });
    }, 200);
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  function setupDuplicateCheck(form) {
    const box = document.getElementById("duplicate-warning");
    const check = debounce(async () => {
      const data = collectForm(form);
      if (!data.nik && !(data.name && data.birth_date)) { box.hidden = true; return; }
      const params = new URLSearchParams();
      for (const key of ["nik", "name", "birth_date", "mother_name"]) if (data[key]) params.set(key, data[key]);
      const result = await api("GET", "/api/persons/duplicates?" + params.toString());
      if (!result.ok) return;
      const list = box.querySelector("ul");
      list.textContent = "";
      for (const record of result.data.records) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = "/orang/" + record.id;
        a.textContent = `${record.fields.name} (${record.fields.birth_date || ""}${record.fields.nik ? ", NIK " + record.fields.nik : ""})`;
        li.appendChild(a);
        list.appendChild(li);
      }
      box.hidden = result.data.count === 0;
    }, 250);
    form.addEventListener("change", check);
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
      } else if (status[key] !== undefined && status[key] !== null) {
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
    if (!result.ok) return;
    renderStatus(result.data);
    if (result.data.in_progress) setTimeout(pollStatus, 500);
    else if (document.getElementById("sync-status").dataset.started === "1") window.location.reload();
  }

  function setupSyncPage() {
    const button = document.getElementById("sync-now");
    if (!button) return;
    button.addEventListener("click", async () => {
      button.disabled = true;
      document.getElementById("sync-status").dataset.started = "1";
      await api("POST", "/api/sync", {});
      pollStatus();
    });
    for (const b of document.querySelectorAll("[data-discard-seq]")) {
      b.addEventListener("click", async () => {
        if (!window.confirm(msg("client.js.confirm_discard"))) return;
        await api("POST", `/api/sync/quarantine/${b.dataset.discardSeq}/discard`, {});
        window.location.reload();
      });
    }
    for (const b of document.querySelectorAll("[data-resend-delete]")) {
      b.addEventListener("click", async () => {
        await api("POST", `/api/sync/quarantine/${b.dataset.resendDelete}/resend`, { fields: {} });
        window.location.reload();
      });
    }
    if (document.getElementById("sync-status").dataset.inProgress === "true") pollStatus();
  }

  /* ---- wiring ----------------------------------------------------------------------- */

  document.addEventListener("DOMContentLoaded", () => {
    for (const form of document.querySelectorAll("form.record-form")) {
      form.addEventListener("submit", submitForm);
      if (form.dataset.preview === "growth") setupGrowthPreview(form);
      if (form.dataset.preview === "derive") setupDerivePreview(form);
      if (form.dataset.duplicateCheck) setupDuplicateCheck(form);
    }
    for (const toggle of document.querySelectorAll("[data-group-toggle]")) {
      toggle.addEventListener("change", () => {
        const parts = toggle.closest("fieldset").querySelector(".group-parts");
        if (parts) parts.hidden = !toggle.checked;
      });
    }
    for (const button of document.querySelectorAll("[data-delete-id]")) {
      button.addEventListener("click", async () => {
        if (!window.confirm(msg("client.js.confirm_delete"))) return;
        const result = await api("DELETE", `/api/records/${button.dataset.deleteKind}/${button.dataset.deleteId}`);
        if (result.ok) window.location.assign(button.dataset.redirect || "/");
      });
    }
    setupSyncPage();
    document.body.dataset.ready = "1";
  });
})();
