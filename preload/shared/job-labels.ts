// A job's labels: the other cells of the table row its ID came from (header → value), in the
// table's column order. Plain TypeScript: main keeps them, the file names use them, the window shows
// them. Labels are personal data (names, emails): they never go into a log or diagnostics.

/** [header, value] pairs in column order; empty cells are left out. */
export type JobLabels = Array<[header: string, value: string]>;

/** Longest value kept from one cell; longer ones are cut (a notes column is not a name). */
export const maxLabelValueLength = 1_000;
/** Most columns kept from one row. */
export const maxLabelColumns = 64;

/**
 * A header as the templates match it: without regard to case, spaces, "_" or "-" ("Full Name" =
 * "fullname" = "full_name", "E-mail" = "email").
 */
export const headerKey = (header: string): string => header.normalize('NFC').replace(/[\s_-]+/g, '').toLowerCase();

/** The value of a job's cell under this header (matched by headerKey), or null when it has none. */
export function labelValue(labels: JobLabels | undefined, header: string): string | null {
  if (!labels) return null;
  const key = headerKey(header);
  for (const [name, value] of labels) if (headerKey(name) === key) return value;
  return null;
}

/** The headers of many jobs' labels, each once, in the order they first appear. */
export function labelHeaders(jobs: Iterable<{ labels?: JobLabels }>): string[] {
  // Most jobs share their headers: each distinct spelling is keyed once, so 100,000 jobs cost little.
  const spellings = new Set<string>();
  for (const job of jobs) for (const [header] of job.labels ?? []) spellings.add(header);
  return distinctHeaders(spellings);
}

/** Header spellings as columns: one per headerKey, spelled as it first came. */
export function distinctHeaders(spellings: Iterable<string>): string[] {
  const seen = new Map<string, string>();
  for (const header of spellings) if (!seen.has(headerKey(header))) seen.set(headerKey(header), header);
  return [...seen.values()];
}

const nameLikeHeader = /^(name|names|full ?name|employee|person|client|customer|staff|member|student|model|subject|contact|attendee|participant|guest|talent)( ?name)?$/i;
/** Other headers with "name" in them that name a person, not a file, a company or a team. */
const personNameHeader = /\bname\b/i;
const notAPersonsName = /\b(file|user|company|business|org|organi[sz]ation|team|department|dept|project|product|host|domain|sheet|brand|shop|store|account|job|image|photo|folder)\b/i;

/** The Name column of these jobs: the one picked when they have it, else the guess below. */
export function nameColumnOf(jobs: Iterable<{ labels?: JobLabels }>, chosen: string | null | undefined): string | null {
  const all = [...jobs];
  const headers = labelHeaders(all);
  if (chosen) {
    const picked = headers.find((header) => headerKey(header) === headerKey(chosen));
    if (picked !== undefined) return picked;
  }
  return guessNameColumn(headers, (header) => {
    const values: string[] = [];
    for (const job of all) {
      const value = labelValue(job.labels, header);
      if (value !== null) values.push(value);
      if (values.length >= 200) break;
    }
    return values;
  });
}

/**
 * The column the window shows as Name: the first header that reads like a name (name, full name,
 * employee, person, client …), else the first column whose values are mostly text (not numbers,
 * dates or emails), else none.
 */
export function guessNameColumn(headers: readonly string[], valuesOf: (header: string) => readonly string[]): string | null {
  const spaced = (header: string) => header.trim().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ');
  const byHeader =
    headers.find((header) => nameLikeHeader.test(spaced(header))) ??
    headers.find((header) => personNameHeader.test(spaced(header)) && !notAPersonsName.test(spaced(header)));
  if (byHeader !== undefined) return byHeader;
  return (
    headers.find((header) => {
      const values = valuesOf(header).slice(0, 200);
      const textual = values.filter((value) => /\p{L}/u.test(value) && !/@/.test(value) && !/^\d/.test(value));
      return values.length > 0 && textual.length >= values.length * 0.8;
    }) ?? null
  );
}
