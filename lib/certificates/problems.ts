// What is wrong with an upload, as sentences an admin can act on: every check that fails is reported at once, under
// the form field it concerns, and nothing is stored.
import { AppError } from "@/lib/platform/errors";

export type UploadField = "certificate" | "privateKey" | "passphrase";

export class Problems {
  private readonly found: Partial<Record<UploadField, string[]>> = {};

  add(field: UploadField, sentence: string) {
    this.found[field] = [...(this.found[field] ?? []), sentence];
  }

  get empty() {
    return Object.keys(this.found).length === 0;
  }

  /** Throws the sentences found so far, if any. */
  check() {
    if (this.empty) return;
    const first = Object.values(this.found).flat()[0] ?? "The upload was refused.";
    throw new AppError("bad_request", first, { fieldErrors: this.found });
  }
}

/** One problem that stops the checks at once (what follows cannot be checked without it). */
export const refuse = (field: UploadField, sentence: string): never => {
  throw new AppError("bad_request", sentence, { fieldErrors: { [field]: [sentence] } });
};
