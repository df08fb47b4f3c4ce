// @peculiar/x509 (PKCS#10 requests, certificate extensions) through one door: it needs the Reflect metadata polyfill
// loaded before it, which an ES module import order guarantees only when both are imported here.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

export { x509 };
