import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isAllowedVerificationUrl } from "@/lib/anaplan";

describe("isAllowedVerificationUrl", () => {
  it("allows https links on anaplan.com and its subdomains, as Anaplan returns them", () => {
    for (const url of [
      "https://iam.anaplan.com/activate",
      "https://iam.anaplan.com/activate?user_code=1GMV-ATBA",
      "https://us1a.app.anaplan.com/oauth/activate?user_code=WDJB-MJHT",
      "https://au1a.app2.anaplan.com/activate",
      "https://anaplan.com/activate",
      "https://iam.anaplan.com",
      "https://iam.anaplan.com/activate#done",
    ]) {
      assert.equal(isAllowedVerificationUrl(url), true, url);
    }
  });

  it("refuses every verification_uri in the security corpus (§2.3) and their near relatives", () => {
    for (const url of [
      "http://iam.anaplan.com/activate",
      "javascript:alert(1)",
      "javascript://iam.anaplan.com/%0aalert(1)",
      "data:text/html,<script>alert(1)</script>",
      "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
      "https://evil.example/device",
      "https://anaplan.com.evil.example/activate",
      "https://evilanaplan.com/activate",
      "https://user:pass@iam.anaplan.com/activate",
      "https://user@iam.anaplan.com/activate",
      "https://iam.anaplan.com@evil.example/activate",
      "https://iam.anaplan.com%2F@evil.example/",
      "https://iam.anaplan.com\\@evil.example/",
      `https://iam.anaplan.com/activate?user_code=${"A".repeat(10 * 1024)}`,
      'https://iam.anaplan.com/activate?x="><script>alert(1)</script>',
      "https://iam.anaplan.com/activate'\"><img src=x onerror=alert(1)>",
      "https://iam.anaplan.com:8443/activate",
      "https://iam.anaplan.com:443/activate",
      "https:iam.anaplan.com/activate",
      "https:/iam.anaplan.com/activate",
      "https:///iam.anaplan.com/activate",
      "//iam.anaplan.com/activate",
      "/activate",
      "",
      " https://iam.anaplan.com/activate",
      "https://iam.anaplan.com/activate\n",
      "https://iam.anaplan.com\t/activate",
      "https://iam.anaplan.com./activate",
      "HTTPS://IAM.ANAPLAN.COM/activate",
      "https://іam.anaplan.com/activate", // Cyrillic і
      "https://iam.anaplan.com\u202E/etavitca",
      "https://iam.anaplan.com\u200B.evil.example/",
      "https://0x7f000001/activate",
      "https://[::1]/activate",
      "ftp://iam.anaplan.com/activate",
      "wss://iam.anaplan.com/activate",
    ]) {
      assert.equal(isAllowedVerificationUrl(url), false, url);
    }
  });

  it("allows exactly the extra origins given (the simulator in development), and nothing near them", () => {
    const simulator = ["http://127.0.0.1:4010"];
    assert.equal(isAllowedVerificationUrl("http://127.0.0.1:4010/device?user_code=ABCD-EFGH", simulator), true);
    assert.equal(isAllowedVerificationUrl("http://127.0.0.1:4010", simulator), true);
    assert.equal(isAllowedVerificationUrl("http://127.0.0.1:4010/device"), false);
    assert.equal(isAllowedVerificationUrl("http://127.0.0.1:4011/device", simulator), false);
    assert.equal(isAllowedVerificationUrl("https://127.0.0.1:4010/device", simulator), false);
    assert.equal(isAllowedVerificationUrl("http://127.0.0.1:4010@evil.example/", simulator), false);
    assert.equal(isAllowedVerificationUrl("http://evil.example/?http://127.0.0.1:4010", simulator), false);
    assert.equal(isAllowedVerificationUrl("data:text/html,x", ["data:text/html,y"]), false);
    assert.equal(isAllowedVerificationUrl("https://evil.example/", ["not a url", "null", ""]), false);
  });
});
