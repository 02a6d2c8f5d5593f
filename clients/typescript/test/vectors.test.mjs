// The vectors the Java client's tests read too (producer-client FreeTextVectorsTest).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { redact, cut } from "../dist/esm/index.js";

const vectors = JSON.parse(readFileSync(new URL("../../test-vectors/free-text.json", import.meta.url), "utf8"));

test("every redaction vector gives the Java client's text", () => {
  assert.ok(vectors.redaction.length >= 14);
  for (const v of vectors.redaction) {
    assert.equal(redact(v.input), v.redacted, v.input);
  }
});

test("every cut vector gives the Java client's text", () => {
  for (const v of vectors.cut) {
    assert.equal(cut(v.input, v.max).text, v.output, JSON.stringify(v.input));
  }
});
