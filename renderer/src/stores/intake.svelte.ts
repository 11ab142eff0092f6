import type { FileIntakeReport, IntakeSource, IntakeSummary } from '../../../preload/api-contract';
import { api, messageOf, valueOrThrow } from '../lib/api';
import { readDroppedText, type DropSource } from '../lib/drop-reading';
import { jobs } from './jobs.svelte';

export interface IntakeReport {
  summary: IntakeSummary | null;
  problems: string[];
  /** The files the IDs came from, when the window read them (a drop, a paste of files). */
  files?: string[];
}

/** A report with nothing to act on fades after this long; one naming problems stays until dismissed. */
export const reportFadeMs = 12_000;

/** Job IDs coming in (typed, pasted, dropped), and what the last drop did. */
class IntakeStore {
  // Raw: a report is replaced whole, never changed, and the fade compares it by identity.
  last = $state.raw<IntakeReport | null>(null);
  /** Where the jobs the last intake added start in the list's arrival order, for the list to show them; counts up with each. */
  reveal = $state<{ from: number; count: number; id?: string } | null>(null);

  /** The person is reading the report (pointer or focus in it): it does not fade meanwhile. */
  held = $state(false);
  #fade: ReturnType<typeof setTimeout> | null = null;

  /** Shows a report; a clean one fades by itself. */
  #report(report: IntakeReport): void {
    this.last = report;
    if (this.#fade !== null) clearTimeout(this.#fade);
    this.#fade = null;
    const clean = report.problems.length === 0 && (report.summary?.rejectedCount ?? 0) === 0;
    if (clean) this.#fade = setTimeout(() => this.#fadeNow(report), reportFadeMs);
  }

  #fadeNow(report: IntakeReport): void {
    this.#fade = null;
    if (this.last !== report) return;
    // Still being read: it goes once the reader leaves it.
    if (this.held) this.#fade = setTimeout(() => this.#fadeNow(report), 2_000);
    else this.last = null;
  }

  addSources = async (sources: IntakeSource[], problems: string[] = []): Promise<void> => {
    const withText = sources.filter((source) => source.bytes !== undefined || source.text.trim() !== '');
    if (withText.length === 0) {
      this.#report({ summary: null, problems: problems.length > 0 ? problems : ['Nothing to add: the drop held no text.'] });
      return;
    }
    const files = withText.flatMap((source) => (source.name === null ? [] : [source.name]));
    const before = jobs.list.order.length;
    try {
      const summary = await valueOrThrow(api.addJobs({ sources: withText }));
      if (summary.added > 0) this.reveal = { from: before, count: summary.added };
      this.#report({ summary, problems, files });
    } catch (error) {
      this.#report({ summary: null, problems: [...problems, messageOf(error)], files });
    }
  };

  /** The person closed the report. */
  dismiss = (): void => {
    this.last = null;
    this.held = false;
  };

  addText = (text: string): Promise<void> => this.addSources([{ name: null, text }]);

  /** "Open IDs file…": the native file dialog, the files read by main; a cancelled dialog changes nothing. */
  openIdsFiles = async (): Promise<void> => {
    try {
      const before = jobs.list.order.length;
      const report = await valueOrThrow(api.openIdsFiles());
      if (report.summary && report.summary.added > 0) this.reveal = { from: before, count: report.summary.added };
      if (report.summary !== null || report.problems.length > 0) this.#report(report);
    } catch (error) {
      this.#report({ summary: null, problems: [messageOf(error)] });
    }
  };

  /** IDs and files main took in from outside the window (a second launch, a file opened with the app). */
  handedOver = (report: FileIntakeReport): void => {
    // Main added the jobs already; their rows may arrive before or after this report: the list waits for the first.
    if (report.firstAdded !== undefined && report.summary) this.reveal = { from: -1, count: report.summary.added, id: report.firstAdded };
    this.#report(report);
  };

  /** A drop or a paste: its text and files, read by the window first. */
  addFrom = async (source: DropSource): Promise<void> => {
    const { sources, problems } = await readDroppedText(source);
    await this.addSources(sources, problems);
  };
}

export const intake = new IntakeStore();
