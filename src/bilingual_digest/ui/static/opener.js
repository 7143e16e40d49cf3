// The file opener: a .txt/.md file is read and decoded here, in the browser, and only its
// text goes into the article box (the server accepts no uploads). Run by gr.HTML's
// js_on_load: `element` is the component's root.
const zone = element.querySelector('.bd-upload');
const input = element.querySelector('input[type=file]');
const msg = element.querySelector('.bd-upload-msg');
const limit = Number(zone.dataset.maxChars);
const n = (x) => x.toLocaleString('en');
const say = (text, bad) => { msg.textContent = text; msg.classList.toggle('bd-bad', bad); };
const open = async (file) => {
  if (!file) return;
  const name = file.name;
  if (!/[.](txt|md)$/i.test(name)) {
    return say(`Cannot open "${name}": only plain-text files (.txt, .md) are accepted. ` +
      'Open other documents, copy the text and paste it.', true);
  }
  if (file.size > 4 * limit) {
    return say(`"${name}" is ${n(file.size)} bytes, over the limit of ${n(limit)} characters.`,
      true);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.includes(0)) return say(`"${name}" looks like a binary file, not text.`, true);
  let text, note = '';
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(bytes);
  } catch (e) {
    text = new TextDecoder('windows-1252').decode(bytes);
    note = ' It is not valid UTF-8, so it was read as Windows-1252/Latin-1: check accents.';
  }
  text = text.replace(/^\ufeff/, '');
  if (!text.trim()) return say(`"${name}" is empty: there is no text to translate.`, true);
  if (text.length > limit) {
    return say(`"${name}" has ${n(text.length)} characters, over the limit of ${n(limit)}.`,
      true);
  }
  const area = document.querySelector('#bd-input textarea');
  area.value = text;
  area.dispatchEvent(new Event('input', {bubbles: true}));
  say(`Opened "${name}" (${n(text.length)} characters).${note}`, note !== '');
};
input.addEventListener('change', () => { open(input.files[0]); input.value = ''; });
zone.addEventListener('dragover', (ev) => { ev.preventDefault(); zone.classList.add('bd-drag'); });
zone.addEventListener('dragleave', () => zone.classList.remove('bd-drag'));
zone.addEventListener('drop', (ev) => {
  ev.preventDefault();
  zone.classList.remove('bd-drag');
  open(ev.dataTransfer.files[0]);
});
