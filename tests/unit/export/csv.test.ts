import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvReader, CsvSyntaxError, csvField, csvRecord, readCsv } from "@/lib/export/csv";

describe("CSV writing (RFC 4180)", () => {
  it("quotes only fields with a comma, a quote or a line break, doubling quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("")).toBe("");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\rhere")).toBe('"cr\rhere"');
    expect(csvRecord(["x", "y,z", ""])).toBe('x,"y,z",\r\n');
  });
});

describe("CSV reading", () => {
  it("reads CRLF, LF and CR line ends, quoted separators, doubled quotes and embedded line breaks", () => {
    const text = 'a,b,c\r\n1,"x,y","say ""hi"""\n2,"two\r\nlines",\r3,,last';
    expect(readCsv(text)).toEqual([
      { fields: ["a", "b", "c"], line: 1 },
      { fields: ["1", "x,y", 'say "hi"'], line: 2 },
      { fields: ["2", "two\r\nlines", ""], line: 3 },
      { fields: ["3", "", "last"], line: 5 },
    ]);
  });

  it("drops a byte-order mark and does not invent a record after the final line break", () => {
    expect(readCsv("\uFEFFa,b\r\n1,2\r\n")).toEqual([
      { fields: ["a", "b"], line: 1 },
      { fields: ["1", "2"], line: 2 },
    ]);
    expect(readCsv("")).toEqual([]);
  });

  it("gives the same records however the input is cut into chunks", () => {
    const text = 'h1,h2\r\n"a ""quoted"" one","multi\r\nline"\r\nplain,"x,y"\r\n';
    const whole = readCsv(text);
    for (let cut = 0; cut <= text.length; cut++) {
      const reader = new CsvReader();
      const records = [...reader.push(text.slice(0, cut)), ...reader.push(text.slice(cut)), ...reader.end()];
      expect(records).toEqual(whole);
    }
  });

  it("rejects an unclosed quote, text after a closing quote and a stray quote, with the line", () => {
    expect(() => readCsv('a\n"open')).toThrow(new CsvSyntaxError(2, "a quoted field is not closed before the end of the file"));
    expect(() => readCsv('a\n"x"y')).toThrow(/CSV line 2: text after the closing quote/);
    expect(() => readCsv('a\nab"c')).toThrow(/CSV line 2: a quote inside an unquoted field/);
  });

  it("reads back any table it writes", () => {
    const field = fc.string({ unit: fc.constantFrom("a", "b", ",", '"', "\r", "\n", " ", "é") });
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }), (table) => {
        const text = table.map(csvRecord).join("");
        expect(readCsv(text).map((r) => r.fields)).toEqual(table);
      }),
    );
  });

  it("reads any written table the same when it arrives in arbitrary chunks", () => {
    const field = fc.string({ unit: fc.constantFrom("a", "bc", ",", '"', "\r", "\n", "\r\n", " ") });
    const table = fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(table, fc.array(fc.nat(), { maxLength: 6 }), (rows, cuts) => {
        const text = rows.map(csvRecord).join("");
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const reader = new CsvReader();
        const records = [];
        let from = 0;
        for (const p of [...points, text.length]) {
          records.push(...reader.push(text.slice(from, p)));
          from = p;
        }
        records.push(...reader.end());
        expect(records).toEqual(readCsv(text));
        expect(records.map((r) => r.fields)).toEqual(rows);
      }),
    );
  });
});
