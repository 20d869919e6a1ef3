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
