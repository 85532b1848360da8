// Compiles every JSON Schema given on the command line with Ajv's JSON Schema 2020-12 validator
// in strict mode, with ajv-formats: what an editor plug-in or a JavaScript service built on
// Ajv does with cairn's schemas. Exits 1 when any schema does not compile.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

let failed = 0;
for (const file of process.argv.slice(2)) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  try {
    ajv.compile(JSON.parse(fs.readFileSync(file, "utf8")));
    console.log(`ok      ${path.basename(file)}`);
  } catch (e) {
    failed += 1;
    console.log(`FAILED  ${path.basename(file)}: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
