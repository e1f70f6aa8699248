// Runs the reference MJML (npm `mjml`) over many documents in one process.
// stdin: JSON [{"name": ..., "mjml": ...}]; stdout: JSON [{"name", "errors", "html_bytes"}].
// validationLevel "strict": any validation error is reported, not rendered around.
"use strict";
const mjml2html = require("mjml");

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const documents = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const results = [];
  for (const { name, mjml } of documents) {
    try {
      const out = await mjml2html(mjml, { validationLevel: "strict", keepComments: false });
      const errors = (out.errors || []).map((e) => e.formattedMessage);
      results.push({ name, errors, html_bytes: Buffer.byteLength(out.html, "utf8") });
    } catch (error) {
      const errors = error.errors ? error.errors.map((e) => e.formattedMessage) : [String(error)];
      results.push({ name, errors, html_bytes: 0 });
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
