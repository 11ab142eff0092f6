// Copying text for the person: the asynchronous clipboard API, and where it is refused (a window
// whose permission policy denies clipboard writes), the older copy command on a hidden field.

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Refused: fall through to the copy command, which needs no permission inside a click.
  }
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.position = 'fixed';
  field.style.opacity = '0';
  document.body.append(field);
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  field.select();
  const copied = document.execCommand('copy');
  field.remove();
  focused?.focus();
  if (!copied) throw new Error('The IDs could not be copied: the system refused access to the clipboard.');
}
