// What the window does for each item of the application menu that main sends it.
import type { MenuCommand } from '../../../preload/api-contract';
import { unreachable } from '../../../preload/shared/unreachable';
import { messageOf } from '../lib/api';
import { intake } from './intake.svelte';
import { notices } from './notices.svelte';
import { saving } from './saving.svelte';
import { settings } from './settings.svelte';

export async function runMenuCommand(command: MenuCommand): Promise<void> {
  try {
    switch (command) {
      case 'open-ids-file':
        return await intake.openIdsFiles();
      case 'choose-folder':
        await saving.chooseFolder();
        return;
      case 'save-all-ready':
        await saving.save('all-ready');
        return;
      case 'open-settings':
        settings.openRequests += 1;
        return;
      default:
        return unreachable(command);
    }
  } catch (error) {
    notices.show(messageOf(error));
  }
}
