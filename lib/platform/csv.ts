// CSV as spreadsheets read it safely: the audit trail's export and the gateway's activity export share it.

/** RFC 4180 quoting, and a leading ' before = + - @ so a spreadsheet never runs a field as a formula. */
export function csvField(value: unknown): string {
  let text = value instanceof Date ? value.toISOString() : value == null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}
