/** Domain of bots created without one (Team accounts have no registered domain): reserved, so it never reaches a real mailbox. */
export const DEFAULT_BOT_DOMAIN = 'rekey.invalid';

/** What Chime shows as a bot's name: `myBot` becomes `myBot (Bot)`. */
export function botDisplayName(requested: string): string {
  return `${requested.trim()} (Bot)`;
}

/**
 * A bot's email as Chime derives it, `<displayName>-chimebot@<domain>` (`myBot-chimebot@example.com`).
 * Characters an email local part cannot hold unquoted are dropped; a name with none left becomes `bot`.
 */
export function botEmail(requestedName: string, domain = DEFAULT_BOT_DOMAIN): string {
  const local = requestedName.replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, '').replace(/^\.+|\.+$/g, '').replace(/\.{2,}/g, '.');
  return `${local || 'bot'}-chimebot@${domain.toLowerCase()}`;
}
