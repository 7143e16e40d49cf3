// The sentence-aligned view: highlight partners on hover, focus and click.
// Run by gr.HTML's js_on_load: `element` is the component's root.
let pinned = null;
const clear = () => element.querySelectorAll('.bd-hl, .bd-active')
  .forEach(e => e.classList.remove('bd-hl', 'bd-active'));
const show = (t) => {
  clear();
  t.classList.add('bd-active');
  if (t.dataset.src !== undefined) {
    const ids = t.dataset.src.split(' ').filter(Boolean);
    ids.forEach(i => element.querySelectorAll(`[data-seg="${i}"]`)
      .forEach(e => e.classList.add('bd-hl')));
    return ids;
  }
  const i = t.dataset.seg;
  element.querySelectorAll(`[data-seg="${i}"]`).forEach(e => {
    if (e !== t) e.classList.add('bd-hl');
  });
  element.querySelectorAll('.bd-sum').forEach(s => {
    if (s.dataset.src.split(' ').includes(i)) s.classList.add('bd-hl');
  });
  return [i];
};
const target = (ev) => ev.target.closest('[data-seg], [data-src]');
element.addEventListener('mouseover', ev => { const t = target(ev); if (t && !pinned) show(t); });
element.addEventListener('focusin', ev => { const t = target(ev); if (t && !pinned) show(t); });
element.addEventListener('mouseout', ev => {
  const t = target(ev);
  if (t && !pinned && !t.contains(ev.relatedTarget)) clear();
});
element.addEventListener('click', ev => {
  const t = target(ev);
  if (!t) return;
  if (pinned === t) { pinned = null; clear(); return; }
  pinned = t;
  const ids = show(t);
  if (t.dataset.src !== undefined && ids.length) {
    const first = element.querySelector(`.bd-src[data-seg="${ids[0]}"]`);
    if (first) first.scrollIntoView({block: 'nearest', behavior: 'smooth'});
  }
});
