// The save layouts, in one table: a new layout is one entry here. The settings sheet, the CLI's
// --layout, the settings check and the file names all read it.

export interface SaveLayoutRule {
  /** What the settings sheet calls it. */
  label: string;
  /** Each job gets a folder of its own, so file names need no {id} to stay apart. */
  jobHasOwnFolder: boolean;
  /** The folders the layout puts an image in, before the template's own; made safe by the caller. */
  foldersFor(image: { id: string; date: string }): string[];
}

export const saveLayoutRules = {
  flat: { label: 'All files in the folder', jobHasOwnFolder: false, foldersFor: () => [] },
  'per-job': { label: 'A subfolder per job', jobHasOwnFolder: true, foldersFor: ({ id }) => [id] },
  'per-day': { label: 'A subfolder per day', jobHasOwnFolder: false, foldersFor: ({ date }) => [date] },
} as const satisfies Record<string, SaveLayoutRule>;

/** Where files go in the chosen folder: all together, a subfolder per job, or a subfolder per day. */
export type SaveLayout = keyof typeof saveLayoutRules;

export const saveLayouts = Object.keys(saveLayoutRules) as SaveLayout[];

export const defaultSaveLayout: SaveLayout = 'flat';
