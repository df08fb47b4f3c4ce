import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { createVault } from "@/lib/vault/envelope";
import { CiphertextIntegrityError, UnknownKeyVersionError, VaultConfigError } from "@/lib/vault/errors";
import { LocalKeyring } from "@/lib/vault/keyring";

const key = (n = 32) => randomBytes(n).toString("base64");
const v1 = `v1:${key()}`;
const v2 = `v2:${key()}`;
const secret = "sentinel-refresh-token-0123456789abcdef";
const aad = "grants:0193d2c4-0000-7000-8000-000000000001:refresh_token";

describe("vault envelope", () => {
  const vault = createVault(new LocalKeyring(v1));

  test("the stored value is not the plaintext and opens back to it", async () => {
    const sealed = await vault.seal(secret, aad);
    assert.ok(!sealed.includes(Buffer.from(secret)));
    assert.ok(!sealed.toString("base64").includes(Buffer.from(secret).toString("base64")));
    assert.equal(await vault.open(sealed, aad), secret);
    assert.equal(vault.keyVersionOf(sealed), 1);
  });

  test("flipping any single byte makes it fail closed", async () => {
    const sealed = await vault.seal(secret, aad);
    for (let i = 0; i < sealed.length; i++) {
      const tampered = Buffer.from(sealed);
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      await assert.rejects(
        vault.open(tampered, aad),
        (e: unknown) =>
          e instanceof CiphertextIntegrityError || (i === 1 || i === 2 ? e instanceof UnknownKeyVersionError : false),
        `byte ${i}`,
      );
    }
  });

  test("truncated values and shortened tags fail", async () => {
    const sealed = await vault.seal(secret, aad);
    for (const cut of [1, 4, 12, 16, sealed.length - 10]) {
      await assert.rejects(vault.open(sealed.subarray(0, sealed.length - cut), aad), CiphertextIntegrityError);
    }
  });

  test("a ciphertext moved to another row or field does not open", async () => {
    const sealed = await vault.seal(secret, aad);
    await assert.rejects(vault.open(sealed, aad.replace("0001", "0002")), CiphertextIntegrityError);
    await assert.rejects(vault.open(sealed, aad.replace("refresh_token", "access_token")), CiphertextIntegrityError);
  });

  test("the same plaintext sealed twice gives different values", async () => {
    const a = await vault.seal(secret, aad);
    const b = await vault.seal(secret, aad);
    assert.notDeepEqual(a, b);
  });

  test("no data IV repeats over 100,000 seals", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const sealed = await vault.seal("x", aad);
      seen.add(sealed.subarray(63, 75).toString("hex"));
    }
    assert.equal(seen.size, 100_000);
  });
});

describe("keyring", () => {
  test("keys that are not exactly 32 bytes are rejected, naming the variable but not the key", () => {
    for (const n of [16, 24, 31, 33]) {
      const material = key(n);
      assert.throws(
        () => new LocalKeyring(`v1:${material}`),
        (e: unknown) =>
          e instanceof VaultConfigError && /TOKEN_ENCRYPTION_KEYS/.test(e.message) && !e.message.includes(material),
      );
    }
  });

  test("malformed keyrings are rejected", () => {
    for (const spec of [
      "",
      "v1",
      `v0:${key()}`,
      `v1:${key()},v1:${key()}`,
      `1:${key()}`,
      "v1:not base64!",
      `v70000:${key()}`,
    ]) {
      assert.throws(() => new LocalKeyring(spec), VaultConfigError, spec);
    }
  });

  test("a rotated keyring opens old values; rewrap moves them to the new key without touching the data", async () => {
    const old = createVault(new LocalKeyring(v1));
    const sealed = await old.seal(secret, aad);
    const rotated = createVault(new LocalKeyring(`${v2},${v1}`));
    assert.equal(await rotated.open(sealed, aad), secret);
    const rewrapped = await rotated.rewrap(sealed, aad);
    assert.equal(rotated.keyVersionOf(rewrapped), 2);
    assert.deepEqual(rewrapped.subarray(63), Buffer.from(sealed).subarray(63), "IV, ciphertext and tag unchanged");
    assert.equal(await createVault(new LocalKeyring(v2)).open(rewrapped, aad), secret);
    await assert.rejects(createVault(new LocalKeyring(v2)).open(sealed, aad), UnknownKeyVersionError);
  });
});
