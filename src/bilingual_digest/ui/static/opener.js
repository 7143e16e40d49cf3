// A file opener: a file is read and decoded here, in the browser, and only its text goes
// into a text box of the page (the server accepts no uploads): the article box, or with
// data-named the hidden glossary box, as JSON {name, text}. Run by gr.HTML's js_on_load:
// `element` is the component's root. data-strict refuses what isn't UTF-8/16/32 (glossaries:
// a guessed encoding would silently miss accented terms), as the server's reader does.
// With data-page-suffixes (the article's opener), a saved web page (.html …) goes, as HTML
// text, into the page's hidden field, and the server extracts its article at Digest.
const zone = element.querySelector('.bd-upload');
const input = element.querySelector('input[type=file]');
const msg = element.querySelector('.bd-upload-msg');
const limit = Number(zone.dataset.maxChars);
const suffixes = zone.dataset.suffixes.split(',');
const named = 'named' in zone.dataset;
const strict = 'strict' in zone.dataset;
const pageSuffixes = zone.dataset.pageSuffixes ? zone.dataset.pageSuffixes.split(',') : [];
const pageLimit = Number(zone.dataset.maxPageBytes || 0);
const n = (x) => x.toLocaleString('en');
const size = (bytes) =>  // as the server says it (fetching.size_text)
  bytes >= 1e6 ? `${+(bytes / 1e6).toPrecision(3)} MB` :
    bytes >= 1e3 ? `${+(bytes / 1e3).toPrecision(3)} kB` : `${bytes} bytes`;
const say = (text, bad) => { msg.textContent = text; msg.classList.toggle('bd-bad', bad); };
const BOX = {text: '#bd-input', link: '#bd-url', page: '#bd-page'};
const field = (name) => document.querySelector(`${BOX[name]} :is(textarea, input)`);
let setting = false;  // our own changes are not the user's typing
const put = (box, value) => {
  if (!box || box.value === value) return;
  box.value = value;
  setting = true;
  try { box.dispatchEvent(new Event('input', {bubbles: true})); } finally { setting = false; }
};
const set = (name, value) => put(field(name), value);
// The article's opener: the user typing an article or a link drops an opened page; typing an
// article drops a link: what is digested is what was given last (the link, when one is given
// beside a text).
if (pageSuffixes.length) {
  document.addEventListener('input', (ev) => {
    if (setting || !(ev.target instanceof Element)) return;
    const typed = ev.target.closest(`${BOX.text}, ${BOX.link}`);
    if (!typed) return;
    if (field('page')?.value) { set('page', ''); say('', false); }
    if (typed.matches(BOX.text)) set('link', '');
  });
}
// The rules of sanitize.decode_bytes (the batch script's and the command line's), so a file
// gets the same answer at every door: UTF-16 or UTF-32 after their byte-order mark, else
// UTF-8 (its mark dropped), else Windows-1252 with a note; binary files refused.
const MARKS = [
  [[0xff, 0xfe, 0, 0], 'UTF-32', true], [[0, 0, 0xfe, 0xff], 'UTF-32', false],
  [[0xff, 0xfe], 'UTF-16', true], [[0xfe, 0xff], 'UTF-16', false],
];
const utf32 = (bytes, little) => {
  if (bytes.length % 4) throw new RangeError('a partial character at the end');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chars = [];
  for (let i = 0; i < bytes.length; i += 4) {
    const code = view.getUint32(i, little);
    if (code >= 0xd800 && code <= 0xdfff) throw new RangeError('a surrogate');
    chars.push(String.fromCodePoint(code));  // throws beyond U+10FFFF
  }
  return chars.join('');
};
const BINARY = 'looks like a binary file, not text.';
const marked = (bytes, name) => {  // the text after a UTF-16/32 mark, or null without one
  const found = MARKS.find(([mark]) => mark.every((byte, i) => bytes[i] === byte));
  if (!found) return null;
  const [mark, kind, little] = found;
  const body = bytes.subarray(mark.length);
  try {
    return kind === 'UTF-32' ? utf32(body, little) :
      new TextDecoder(little ? 'utf-16le' : 'utf-16be', {fatal: true}).decode(body);
  } catch (e) {
    throw `"${name}" starts with a ${kind} byte-order mark but is not valid ${kind} text; ` +
      'save it again as UTF-8.';
  }
};
const decode = (bytes, name) => {  // [text, note]; throws the message for a file refused
  const text = marked(bytes, name);
  if (text !== null) return [text, ''];
  if (bytes.includes(0)) throw `"${name}" ${BINARY}`;
  try {
    return [new TextDecoder('utf-8', {fatal: true}).decode(bytes), ''];
  } catch (e) {
    if (strict) {
      throw `"${name}" is not UTF-8 text: save it as UTF-8 (spreadsheets: "CSV UTF-8" or ` +
        '"Unicode text").';
    }
    return [new TextDecoder('windows-1252').decode(bytes),
      ' It is not valid UTF-8, so it was read as Windows-1252/Latin-1: check accents.'];
  }
};
// A saved page is decoded as the server decodes one (articles._decode): by the character set
// its <meta> declares, else as UTF-8, else as Windows-1252.
const META_CHARSET = /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)/i;
const decodePage = (bytes, name) => {
  const text = marked(bytes, name);
  if (text !== null) return text;
  if (bytes.includes(0)) throw `"${name}" ${BINARY}`;
  const head = new TextDecoder('windows-1252').decode(bytes.subarray(0, 4096));
  const declared = META_CHARSET.exec(head);
  if (declared) {
    try { return new TextDecoder(declared[1]).decode(bytes); } catch (e) { /* unknown name */ }
  }
  return decode(bytes, name)[0];
};
const binary = (text) => {  // NUL, or more than 1% control characters, as on the server
  const sniff = text.slice(0, 8192);
  const controls = (sniff.match(/[\x00-\x08\x0e-\x1f]/g) || []).length;
  return sniff.includes('\0') || controls > Math.max(2, Math.floor(sniff.length / 100));
};
const suffixed = (name, list) => list.some((suffix) => name.toLowerCase().endsWith(suffix));
const openText = async (file, name) => {
  if (file.size > 4 * limit + 4) {  // 4 bytes a character at most, and a byte-order mark
    return say(`"${name}" is ${n(file.size)} bytes, over the limit of ${n(limit)} characters.`,
      true);
  }
  let text, note;
  try {
    [text, note] = decode(new Uint8Array(await file.arrayBuffer()), name);
  } catch (message) {
    return say(String(message), true);
  }
  text = text.replace(/^\ufeff/, '');
  if (binary(text)) return say(`"${name}" ${BINARY}`, true);
  if (!text.trim()) return say(`"${name}" is empty: there is no text to translate.`, true);
  const length = [...text].length;  // characters (code points), as the server counts them
  if (length > limit) {
    return say(`"${name}" has ${n(length)} characters, over the limit of ${n(limit)}.`, true);
  }
  if (pageSuffixes.length) {  // a text opened replaces an opened page or a link
    set('page', '');
    set('link', '');
  }
  put(document.querySelector(zone.dataset.target), named ? JSON.stringify({name, text}) : text);
  say(`Opened "${name}" (${n(length)} characters).${note}`, note !== '');
};
const openPage = async (file, name) => {
  if (file.size > pageLimit) {
    return say(`"${name}" is ${size(file.size)}, over the limit of ${size(pageLimit)} for a ` +
      'page.', true);
  }
  let html;
  try {
    html = decodePage(new Uint8Array(await file.arrayBuffer()), name).replace(/^\ufeff/, '');
  } catch (message) {
    return say(String(message), true);
  }
  if (!html.trim()) return say(`"${name}" is empty: there is no page to read.`, true);
  set('text', '');  // the page is what is digested now (see page.page_document)
  set('link', '');
  set('page', html);
  say(`Opened "${name}", a saved web page (${size(file.size)}): its article is read when you ` +
    'press Digest.', false);
};
const open = async (file) => {
  if (!file) return;
  const name = file.name;
  if (suffixed(name, suffixes)) return openText(file, name);
  if (suffixed(name, pageSuffixes)) return openPage(file, name);
  say(`Cannot open "${name}": only ${zone.dataset.kinds} are accepted.` +
    (named ? '' : ' Open other documents, copy the text and paste it.'), true);
};
input.addEventListener('change', () => { open(input.files[0]); input.value = ''; });
zone.addEventListener('dragover', (ev) => { ev.preventDefault(); zone.classList.add('bd-drag'); });
zone.addEventListener('dragleave', () => zone.classList.remove('bd-drag'));
zone.addEventListener('drop', (ev) => {
  ev.preventDefault();
  zone.classList.remove('bd-drag');
  open(ev.dataTransfer.files[0]);
});
