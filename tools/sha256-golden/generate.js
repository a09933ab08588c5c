// Dev-time only: writes ../../tests/golden/sha256_rocketchat.json, the digests Rocket.Chat
// (and Meteor) compute for passwords, over a corpus of strings.
//
// The behaviour, as specified: a JavaScript string is a sequence of UTF-16 code units; each
// code unit is UTF-8-encoded on its own (one, two or three bytes: a character outside the
// Basic Multilingual Plane is two surrogates of three bytes each, and a lone surrogate is
// three bytes too), then the bytes are hashed with SHA-256 and written as lower-case hex.
// This file reproduces that behaviour from the specification with Node's own SHA-256; it
// holds no code of Rocket.Chat's. No dependency: `node generate.js`.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

function codeUnitBytes(text) {
	const bytes = [];
	for (let at = 0; at < text.length; at += 1) {
		const unit = text.charCodeAt(at); // one UTF-16 code unit, never a whole code point
		if (unit < 0x80) {
			bytes.push(unit);
		} else if (unit < 0x800) {
			bytes.push(0xc0 | (unit >> 6), 0x80 | (unit & 0x3f));
		} else {
			bytes.push(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f));
		}
	}
	return Buffer.from(bytes);
}

function digest(text) {
	return crypto.createHash('sha256').update(codeUnitBytes(text)).digest('hex');
}

const range = (first, last) => Array.from({ length: last - first + 1 }, (_, n) => String.fromCharCode(first + n)).join('');
const lock = '\ud83d\udd12'; // U+1F512, two code units

// [label, string]: every kind of code unit, the boundaries of each encoding length and of
// SHA-256's 64-byte blocks (55/56 bytes: where the length stops fitting the last block).
const corpus = [
	['empty', ''],
	['one ASCII letter', 'a'],
	['ASCII word', 'password'],
	["Rocket.Chat's docs example", 'P@ssw0rd'],
	['printable ASCII', range(0x20, 0x7e)],
	['ASCII controls and NUL', '\u0000\u0001\t\n\r\u001b\u001f\u007f'],
	['CRLF kept as it is', 'line one\r\nline two'],
	['first two-byte unit', '\u0080'],
	['Latin-1 supplement', range(0xa0, 0xff)],
	['Latin-1 word', 'café crème'],
	['German umlauts', 'Müller-Lüdenscheid'],
	['last two-byte unit', '\u07ff'],
	['first three-byte unit', '\u0800'],
	['Cyrillic', 'пароль'],
	['Greek', 'κωδικός'],
	['Arabic', 'كلمة السر'],
	['Hebrew', 'סיסמה'],
	['Devanagari', 'पासवर्ड'],
	['CJK', '密码'],
	['Japanese', '漢字パスワード'],
	['Korean', '비밀번호'],
	['byte order mark', '\ufeff'],
	['replacement character', '\ufffd'],
	['last BMP unit', '\uffff'],
	['emoji (a surrogate pair)', lock],
	['the issue password', `pass-${lock}-word`],
	['three emoji', '\ud83d\ude00\ud83d\ude01\ud83d\ude02'],
	['ZWJ family', '\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67\u200d\ud83d\udc66'],
	['flag', '\ud83c\uddeb\ud83c\uddf7'],
	['mathematical letter', '\ud835\udd4f'],
	['first astral code point', '\ud800\udc00'],
	['last code point', '\udbff\udfff'],
	['lone high surrogate, first', '\ud800'],
	['lone high surrogate, last', '\udbff'],
	['lone low surrogate, first', '\udc00'],
	['lone low surrogate, last', '\udfff'],
	['lone high surrogate inside text', 'a\ud800b'],
	['lone low surrogate inside text', 'x\udc00y'],
	['surrogates in the wrong order', '\udc00\ud800'],
	['two high surrogates', '\ud800\ud800'],
	['half an emoji, then text', `${lock.slice(0, 1)}tail`],
	['an emoji, then half of one', `${lock}${lock.slice(1)}`],
	['55 bytes', 'a'.repeat(55)],
	['56 bytes', 'a'.repeat(56)],
	['63 bytes', 'a'.repeat(63)],
	['64 bytes', 'a'.repeat(64)],
	['65 bytes', 'a'.repeat(65)],
	['56 bytes of two-byte units', 'é'.repeat(28)],
	['54 bytes of surrogates, then two ASCII', `${lock.repeat(9)}ab`],
	['1,000 ASCII', 'a'.repeat(1000)],
	['1,000 CJK', '漢'.repeat(1000)],
	['1,000 emoji', lock.repeat(1000)],
	['10,000 mixed', 'aé漢\ud800'.concat(lock).repeat(2000)],
];

const golden = corpus.map(([label, input]) => ({ label, input, digest: digest(input) }));
const out = path.join(__dirname, '..', '..', 'tests', 'golden', 'sha256_rocketchat.json');
fs.writeFileSync(out, `${JSON.stringify(golden, null, 1)}\n`);
console.log(`${golden.length} vectors written to ${path.relative(process.cwd(), out)}`);
