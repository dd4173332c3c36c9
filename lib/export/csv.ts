/**
 * RFC 4180 CSV, both ways. Pure: no Node, no DOM.
 *
 * - Writing: a field is quoted when it holds a comma, a double quote, CR or LF (quotes doubled);
 *   records end with CRLF.
 * - Reading: CRLF, LF or a lone CR end a record; quoted fields may hold separators, quotes ("")
 *   and line breaks; a leading UTF-8 byte-order mark is dropped; the last record may lack a line
 *   break. The reader is incremental (`push` chunks, then `end`), so a large file never has to be
 *   one string.
 */

/** One field, quoted only when it needs to be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record with its CRLF. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

const SPECIAL = /[",\r\n]/g;

/** A record read from CSV, with the (1-based) physical line it starts on. */
export interface CsvRecordRead {
  fields: string[];
  line: number;
}

export class CsvSyntaxError extends Error {
  override readonly name = "CsvSyntaxError";
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`CSV line ${line}: ${message}`);
  }
}

/**
 * Incremental RFC 4180 reader. `push(chunk)` returns the records completed by that chunk;
 * `end()` returns the last one (if the input did not end with a line break) and checks that no
 * quoted field is left open.
 */
export class CsvReader {
  private fields: string[] = [];
  private field = "";
  private quoted = false;
  /** Inside a quoted field. */
  private inQuotes = false;
  /** Just read a quote inside a quoted field: either the closing quote or half of "". */
  private quotePending = false;
  /** Just read a CR: an LF right after it belongs to the same line break. */
  private afterCr = false;
  private started = false;
  private line = 1;
  private recordLine = 1;
  private first = true;

  push(chunk: string): CsvRecordRead[] {
    const out: CsvRecordRead[] = [];
    let text = chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (this.afterCr) {
        this.afterCr = false;
        if (c === "\n") {
          if (this.inQuotes) this.field += c; // CRLF inside a quoted field is kept as it is
          continue;
        }
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false; // that quote closed the field; fall through to handle c
        } else {
          if (c === '"') this.quotePending = true;
          else {
            if (c === "\n" || c === "\r") {
              this.line++;
              if (c === "\r") this.afterCr = true;
            }
            this.field += c;
          }
          continue;
        }
      }
      if (c === ",") {
        this.endField();
      } else if (c === "\r" || c === "\n") {
        if (c === "\r") this.afterCr = true;
        this.endField();
        out.push({ fields: this.fields, line: this.recordLine });
        this.fields = [];
        this.started = false;
        this.line++;
        this.recordLine = this.line;
      } else if (c === '"') {
        if (this.field !== "" || this.quoted) throw new CsvSyntaxError(this.line, "a quote inside an unquoted field (quote the whole field and double the quote)");
        this.inQuotes = true;
        this.quoted = true;
        this.started = true;
      } else {
        if (this.quoted) throw new CsvSyntaxError(this.line, "text after the closing quote of a field");
        // Plain text up to the next separator, quote or line break, in one slice.
        SPECIAL.lastIndex = i;
        const next = SPECIAL.exec(text);
        const stop = next ? next.index : text.length;
        this.field += text.slice(i, stop);
        this.started = true;
        i = stop - 1;
      }
    }
    return out;
  }

  end(): CsvRecordRead[] {
    if (this.inQuotes && !this.quotePending) throw new CsvSyntaxError(this.recordLine, "a quoted field is not closed before the end of the file");
    this.inQuotes = false;
    this.quotePending = false;
    if (!this.started && this.fields.length === 0) return [];
    this.endField();
    const last = { fields: this.fields, line: this.recordLine };
    this.fields = [];
    this.started = false;
    return [last];
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = "";
    this.quoted = false;
    this.started = true;
  }
}

/** Reads a whole CSV text into records. */
export function readCsv(text: string): CsvRecordRead[] {
  const reader = new CsvReader();
  return [...reader.push(text), ...reader.end()];
}
