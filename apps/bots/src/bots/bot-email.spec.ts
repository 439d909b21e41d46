import { botDisplayName, botEmail, DEFAULT_BOT_DOMAIN } from './bot-email';

describe('bot names and emails, as Chime derives them', () => {
  it('answers the display name with the (Bot) suffix Chime shows', () => {
    expect(botDisplayName('myBot')).toBe('myBot (Bot)');
    expect(botDisplayName('  padded ')).toBe('padded (Bot)');
  });

  it('makes <name>-chimebot@<domain>, with the domain lowercased', () => {
    expect(botEmail('myBot', 'example.com')).toBe('myBot-chimebot@example.com');
    expect(botEmail('myBot', 'Example.COM')).toBe('myBot-chimebot@example.com');
  });

  it('drops what an email local part cannot hold unquoted, and falls back to "bot"', () => {
    expect(botEmail('Build Bot 2000', 'example.com')).toBe('BuildBot2000-chimebot@example.com');
    expect(botEmail('a+b%c-d', 'example.com')).toBe('a+b%c-d-chimebot@example.com');
    expect(botEmail('.dots..here.', 'example.com')).toBe('dots.here-chimebot@example.com');
    expect(botEmail('ロボット', 'example.com')).toBe('bot-chimebot@example.com');
  });

  it('uses a reserved domain when none is given', () => {
    expect(botEmail('myBot')).toBe(`myBot-chimebot@${DEFAULT_BOT_DOMAIN}`);
  });
});
