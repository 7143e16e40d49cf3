// A file opener: a file is read and decoded here, in the browser, and only its text goes
// into a text box of the page (the server accepts no uploads): the article box, or with
// data-named the hidden glossary box, as JSON {name, text}. Run by gr.HTML's js_on_load:
// `element` is the component's root. data-strict refuses what isn't UTF-8/16/32 (glossaries:
// a guessed encoding would silently miss accented terms), as the server's reader does.
const zone = element.querySelector('.bd-upload');
const input = element.querySelector('input[type=file]');
const msg = element.querySelector('.bd-upload-msg');
const limit = Number(zone.dataset.maxChars);
const suffixes = zone.dataset.suffixes.split(',');
const named = 'named' in zone.dataset;
const strict = 'strict' in zone.dataset;
const n = (x) => x.toLocaleString('en');
const say = (text, bad) => { msg.textContent = text; msg.classList.toggle('bd-bad', bad); };
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
const decode = (bytes, name) => {  // [text, note]; throws the message for a file refused
  const found = MARKS.find(([mark]) => mark.every((byte, i) => bytes[i] === byte));
  if (found) {
    const [mark, kind, little] = found;
    const body = bytes.subarray(mark.length);
    try {
      return [kind === 'UTF-32' ? utf32(body, little) :
        new TextDecoder(little ? 'utf-16le' : 'utf-16be', {fatal: true}).decode(body), ''];
    } catch (e) {
      throw `"${name}" starts with a ${kind} byte-order mark but is not valid ${kind} text; ` +
        'save it again as UTF-8.';
    }
  }
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
const binary = (text) => {  // NUL, or more than 1% control characters, as on the server
  const sniff = text.slice(0, 8192);
  const controls = (sniff.match(/[\x00-\x08\x0e-\x1f]/g) || []).length;
  return sniff.includes('\0') || controls > Math.max(2, Math.floor(sniff.length / 100));
};
const open = async (file) => {
  if (!file) return;
  const name = file.name;
  if (!suffixes.some((suffix) => name.toLowerCase().endsWith(suffix))) {
    return say(`Cannot open "${name}": only ${zone.dataset.kinds} are accepted.` +
      (named ? '' : ' Open other documents, copy the text and paste it.'), true);
  }
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
  const area = document.querySelector(zone.dataset.target);
  area.value = named ? JSON.stringify({name, text}) : text;
  area.dispatchEvent(new Event('input', {bubbles: true}));
  say(`Opened "${name}" (${n(length)} characters).${note}`, note !== '');
};
input.addEventListener('change', () => { open(input.files[0]); input.value = ''; });
zone.addEventListener('dragover', (ev) => { ev.preventDefault(); zone.classList.add('bd-drag'); });
zone.addEventListener('dragleave', () => zone.classList.remove('bd-drag'));
zone.addEventListener('drop', (ev) => {
  ev.preventDefault();
  zone.classList.remove('bd-drag');
  open(ev.dataTransfer.files[0]);
});
