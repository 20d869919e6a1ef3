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
