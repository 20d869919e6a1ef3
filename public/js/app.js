// Small progressive enhancements; every page works without them.
document.addEventListener('htmx:after:swap', () => {
  const flash = document.querySelector('#flash .flash');
  if (flash) flash.scrollIntoView({ block: 'nearest' });
});
// Confirm buttons: <button data-confirm="…"> asks before submitting its form.
document.addEventListener('click', (e) => {
  const el = e.target instanceof Element ? e.target.closest('[data-confirm]') : null;
  if (el && !window.confirm(el.getAttribute('data-confirm'))) e.preventDefault();
});

// "Select all" checkboxes: <input data-select-all="name"> (un)checks every checkbox named `name` in its form,
// and is unchecked again when one of them is.
document.addEventListener('change', (e) => {
  const el = e.target;
  if (!(el instanceof HTMLInputElement) || el.type !== 'checkbox' || !el.form) return;
  const group = el.getAttribute('data-select-all');
  if (group) {
    for (const box of el.form.querySelectorAll(`input[type=checkbox][name="${group}"]`)) box.checked = el.checked;
    return;
  }
  const all = el.form.querySelector(`input[data-select-all="${el.name}"]`);
  if (all && !el.checked) all.checked = false;
});

// A choice the user made in a region that is about to be refreshed (not saved yet) is carried over to the fresh copy,
// when the fresh copy still offers it: an import that finishes must not undo a selection made a moment earlier.
function keepEdits(old, fresh) {
  for (const field of old.querySelectorAll('select[name], input[name]:not([type=hidden]), textarea[name]')) {
    const radio = field.type === 'checkbox' || field.type === 'radio';
    const twin = fresh.querySelector(`[name="${CSS.escape(field.name)}"]${radio ? `[value="${CSS.escape(field.value)}"]` : ''}`);
    if (!twin || twin.tagName !== field.tagName) continue;
    if (field instanceof HTMLSelectElement) {
      if (![...field.options].some((o) => o.selected !== o.defaultSelected)) continue;
      const chosen = new Set([...field.selectedOptions].map((o) => o.value));
      if (![...chosen].every((v) => [...twin.options].some((o) => o.value === v))) continue;
      for (const o of twin.options) o.selected = chosen.has(o.value);
    } else if (radio) {
      if (field.checked !== field.defaultChecked) twin.checked = field.checked;
    } else if (field.value !== field.defaultValue) twin.value = field.value;
  }
}

// Background work finished (the server sent HX-Trigger koppel:refresh): reload every [data-refresh] region of
// this page in place from a fresh copy of the page, so new lists and choices appear without a manual reload.
let refreshing = null;
let again = false;
document.addEventListener('koppel:refresh', function refresh() {
  if (refreshing) { again = true; return; }
  refreshing = fetch(location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
    .then((res) => (res.ok && !res.redirected ? res.text() : null))
    .then((html) => {
      if (!html) return;
      const fresh = new DOMParser().parseFromString(html, 'text/html');
      for (const el of document.querySelectorAll('[data-refresh][id]')) {
        const next = fresh.getElementById(el.id);
        if (!next) continue;
        const node = document.importNode(next, true);
        keepEdits(el, node);
        el.replaceWith(node);
        if (window.htmx) window.htmx.process(node);
      }
      document.dispatchEvent(new CustomEvent('koppel:refreshed'));
    })
    .catch(() => {})
    .finally(() => {
      refreshing = null;
      if (again) { again = false; refresh(); }
    });
});

// After a session expired mid-form and the user logged in again, the server hands back what was typed
// (<script id="pending-form">): fill it into the form with the same action, adding rows (e.g. invoice lines)
// through the form's own "add" button when the form has fewer rows than were typed.
function restorePendingForm() {
  const data = document.getElementById('pending-form');
  if (!data) return;
  let pending;
  try { pending = JSON.parse(data.textContent || ''); } catch { return; }
  const forms = [...document.querySelectorAll('form')];
  let form = forms.find((f) => f.getAttribute('action') && new URL(f.getAttribute('action'), location.href).pathname === pending.action);
  if (!form) {
    // posted by an htmx action inside the form (e.g. inline validation): the form holding most of the fields
    const names = new Set(pending.fields.map(([name]) => name));
    let best = 0;
    for (const f of forms) {
      const n = [...f.elements].filter((el) => names.has(el.name) && el.type !== 'hidden').length;
      if (n > best) { best = n; form = f; }
    }
  }
  if (!form) return;
  const find = (name) => [...form.elements].filter((el) => el.name === name);
  const missing = () => pending.fields.some(([name]) => find(name).length === 0 && /\[\d+\]/.test(name));
  const addRow = form.querySelector('#add-line, [data-add-row]');
  let tries = 0;
  const fill = () => {
    if (addRow && missing() && tries++ < 50) {
      document.addEventListener('htmx:after:swap', () => setTimeout(fill, 0), { once: true });
      addRow.click();
      return;
    }
    const seen = new Map();
    for (const [name, value] of pending.fields) {
      const els = find(name).filter((el) => el.type !== 'hidden' && el.type !== 'password' && el.type !== 'file');
      if (!els.length) continue;
      const first = els[0];
      if (first.type === 'checkbox' || first.type === 'radio') {
        for (const el of els) if (el.value === value) el.checked = true;
      } else if (first instanceof HTMLSelectElement && first.multiple) {
        for (const o of first.options) if (o.value === value) o.selected = true;
      } else {
        const i = seen.get(name) ?? 0; // repeated names fill their fields in order
        seen.set(name, i + 1);
        if (els[i]) els[i].value = value;
      }
    }
    form.setAttribute('data-restored', 'true');
  };
  fill();
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', restorePendingForm);
else restorePendingForm();
