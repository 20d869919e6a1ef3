// Planning board: drag and drop (SortableJS, served from our own origin) fills in and submits the same move form
// the keyboard form posts, through htmx; the server answers with the cells that changed. No inline scripts.
(function () {
  'use strict';
  let dragging = false;

  const addDays = (iso, n) => {
    const d = new Date(`${iso}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  };

  function setField(form, name, value) {
    const el = form.elements.namedItem(name);
    if (el) el.value = value;
  }

  function drop(evt) {
    const chip = evt.item;
    const to = evt.to;
    // put the chip back where it was: the server's answer redraws the cells as they really are after the move
    // (or leaves them untouched when the move is refused)
    evt.from.insertBefore(chip, evt.from.children[evt.oldIndex] || null);
    const form = document.getElementById('move-form');
    if (!form) return;
    const start = to.dataset.date || '';
    const days = Math.max(1, Number(chip.dataset.days || '1'));
    setField(form, 'item', chip.dataset.item);
    setField(form, 'id', chip.dataset.id);
    setField(form, 'version', chip.dataset.version);
    setField(form, 'resource', to.dataset.resource || '');
    setField(form, 'start', start);
    setField(form, 'end', start ? addDays(start, days - 1) : '');
    form.requestSubmit();
  }

  function init() {
    const body = document.getElementById('board-body');
    if (!window.Sortable || !body || body.dataset.canPlan !== 'true') return;
    for (const list of document.querySelectorAll('#board-body .drop')) {
      if (list.dataset.sortable === 'on') continue;
      list.dataset.sortable = 'on';
      window.Sortable.create(list, {
        group: 'board',
        sort: false,
        draggable: '.chip:not(.archived)',
        filter: '.chip-plan',
        preventOnFilter: false,
        // on a tablet a short press scrolls the board; press and hold to drag
        delay: 200,
        delayOnTouchOnly: true,
        animation: 120,
        // pointer events instead of HTML5 drag and drop: the same on mouse, pen and touch screens
        forceFallback: true,
        fallbackTolerance: 4,
        ghostClass: 'chip-ghost',
        onStart() { dragging = true; document.body.classList.add('board-dragging'); },
        onEnd(evt) {
          dragging = false;
          document.body.classList.remove('board-dragging');
          if (evt.from !== evt.to) drop(evt);
        },
      });
    }
  }

  // the board polls for changes; never redraw it under a planner's finger (an answer that arrives mid-drag is
  // dropped: the poller keeps its old stamp, so the next poll brings the changes again)
  const isPoll = (e) => e.target instanceof Element && e.target.id === 'board-poll';
  document.addEventListener('htmx:before:request', (e) => { if (dragging && isPoll(e)) e.preventDefault(); });
  document.addEventListener('htmx:before:swap', (e) => { if (dragging && isPoll(e)) e.preventDefault(); });
  // cells and the side list are redrawn by htmx (moves, polling): make every new list a drop target
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => { queued = false; init(); });
  }).observe(document.body, { childList: true, subtree: true });

  // a redraw of the board (polling) keeps where the planner had scrolled to
  let scrolled = null;
  document.addEventListener('htmx:before:swap', (e) => {
    if (!isPoll(e)) return;
    const box = document.querySelector('#board-body .board-scroll');
    scrolled = box ? { left: box.scrollLeft, top: box.scrollTop } : null;
  });
  document.addEventListener('htmx:after:swap', () => {
    if (!scrolled) return;
    const box = document.querySelector('#board-body .board-scroll');
    if (box) { box.scrollLeft = scrolled.left; box.scrollTop = scrolled.top; }
    scrolled = null;
  });

  // "Plan…" on a chip opens the plan form in the board's dialog (one listener for all chips, so the chips carry only
  // their plain link, which works without JavaScript too)
  document.addEventListener('click', (e) => {
    const link = e.target instanceof Element ? e.target.closest('a.chip-plan') : null;
    if (!link || !window.htmx || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    window.htmx.ajax('GET', link.getAttribute('href'), { source: link, target: '#board-dialog', swap: 'innerHTML' });
  });

  // "Cancel" in the plan form closes the dialog without a round trip
  document.addEventListener('click', (e) => {
    const el = e.target instanceof Element ? e.target.closest('[data-dismiss]') : null;
    if (!el) return;
    const target = document.querySelector(el.getAttribute('data-dismiss'));
    if (!target) return;
    e.preventDefault();
    target.innerHTML = '';
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
