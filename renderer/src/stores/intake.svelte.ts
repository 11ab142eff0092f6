import type { FileIntakeReport, IntakeSource, IntakeSummary } from '../../../preload/api-contract';
import { api, messageOf, valueOrThrow } from '../lib/api';
import { readDroppedText, type DropSource } from '../lib/drop-reading';

export interface IntakeReport {
  summary: IntakeSummary | null;
  problems: string[];
}

/** Job IDs coming in (typed, pasted, dropped), and what the last drop did. */
class IntakeStore {
  last = $state<IntakeReport | null>(null);

  addSources = async (sources: IntakeSource[], problems: string[] = []): Promise<void> => {
    const withText = sources.filter((source) => source.text.trim() !== '');
    if (withText.length === 0) {
      this.last = { summary: null, problems: problems.length > 0 ? problems : ['Nothing to add: the drop held no text.'] };
      return;
    }
    try {
      this.last = { summary: await valueOrThrow(api.addJobs({ sources: withText })), problems };
    } catch (error) {
      this.last = { summary: null, problems: [...problems, messageOf(error)] };
    }
  };

  /** The person closed the report. */
  dismiss = (): void => {
    this.last = null;
  };

  addText = (text: string): Promise<void> => this.addSources([{ name: null, text }]);

  /** "Open IDs file…": the native file dialog, the files read by main; a cancelled dialog changes nothing. */
  openIdsFiles = async (): Promise<void> => {
    try {
      const report = await valueOrThrow(api.openIdsFiles());
      if (report.summary !== null || report.problems.length > 0) this.last = report;
    } catch (error) {
      this.last = { summary: null, problems: [messageOf(error)] };
    }
  };

  /** IDs and files main took in from outside the window (a second launch, a file opened with the app). */
  handedOver = (report: FileIntakeReport): void => {
    this.last = report;
  };

  /** A drop or a paste: its text and files, read by the window first. */
  addFrom = async (source: DropSource): Promise<void> => {
    const { sources, problems } = await readDroppedText(source);
    await this.addSources(sources, problems);
  };
}

export const intake = new IntakeStore();
