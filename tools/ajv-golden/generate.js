// Dev-time only: replays the addUsers golden inputs through AJV 8 configured as
// Rocket.Chat's published validator is (coerceTypes, allowUnionTypes), so our
// marshmallow validator can be tested against the real thing without Node in CI.
// Usage: npm install && node generate.js  (rewrites ../../tests/golden/addusers_ajv.json)
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');

const golden = path.join(__dirname, '..', '..', 'tests', 'golden');
const schema = JSON.parse(fs.readFileSync(path.join(golden, 'addusers_schema.json'), 'utf8'));
const inputs = JSON.parse(fs.readFileSync(path.join(golden, 'addusers_inputs.json'), 'utf8'));
const validate = new Ajv({ coerceTypes: true, allowUnionTypes: true }).compile(schema);

const results = inputs.map((input) => {
	const data = JSON.parse(JSON.stringify(input));
	const valid = validate(data);
	return valid
		? { input, valid, coerced: data }
		: { input, valid, error: validate.errors.map((e) => e.message).join('\n ') };
});
fs.writeFileSync(path.join(golden, 'addusers_ajv.json'), `${JSON.stringify(results, null, 1)}\n`);
console.log(`${results.length} cases written`);
