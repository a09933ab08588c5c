// Dev and CI oracle: reads one JSON body per line on stdin and answers, one line each,
// what AJV 8 configured as Rocket.Chat's validator says of it: {valid, error} or
// {valid, coerced}. Used by tests/schemas/test_add_users_properties.py when Node is available.
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const Ajv = require('ajv');

const schemaPath = path.join(__dirname, '..', '..', 'tests', 'golden', 'addusers_schema.json');
const validate = new Ajv({ coerceTypes: true, allowUnionTypes: true }).compile(
	JSON.parse(fs.readFileSync(schemaPath, 'utf8')),
);

readline.createInterface({ input: process.stdin }).on('line', (line) => {
	const data = JSON.parse(line);
	const valid = validate(data);
	const answer = valid ? { valid, coerced: data } : { valid, error: validate.errors[0].message };
	process.stdout.write(`${JSON.stringify(answer)}\n`);
});
