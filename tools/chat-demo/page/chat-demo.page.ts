/// <reference lib="dom" />
// The demo page: the official IVS Chat client, bundled by esbuild, talking to the Rekey gateway.
import { ChatRoom, SendMessageRequest } from 'amazon-ivs-chat-messaging';

const params = new URLSearchParams(location.search);
const userId = params.get('user') ?? `guest-${Math.floor(Math.random() * 1000)}`;
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = byId<HTMLParagraphElement>('status');
const messages = byId<HTMLUListElement>('messages');
const content = byId<HTMLInputElement>('content');
byId<HTMLSpanElement>('user').textContent = userId;

function show(text: string, system = false): void {
  const item = document.createElement('li');
  item.textContent = text;
  if (system) item.className = 'system';
  messages.append(item);
}

function setStatus(state: string, text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

async function start(): Promise<void> {
  const { gatewayUrl, roomArn } = (await (await fetch('/config')).json()) as { gatewayUrl: string; roomArn: string };
  const room = new ChatRoom({
    regionOrUrl: gatewayUrl,
    tokenProvider: async () => {
      const answer = (await (await fetch(`/token?user=${encodeURIComponent(userId)}`, { method: 'POST' })).json()) as { token: string; tokenExpirationTime: string; sessionExpirationTime: string };
      return { token: answer.token, tokenExpirationTime: new Date(answer.tokenExpirationTime), sessionExpirationTime: new Date(answer.sessionExpirationTime) };
    },
  });
  let kicked: string | undefined;
  room.addListener('connect', () => setStatus('connected', `connected to ${roomArn}`));
  room.addListener('message', (message) => show(`${message.sender.userId}: ${message.content}`));
  room.addListener('event', (event) => show(`event ${event.eventName}`, true));
  room.addListener('messageDelete', (deletion) => show(`a message was deleted${deletion.reason ? `: ${deletion.reason}` : ''}`, true));
  room.addListener('userDisconnect', (event) => {
    if (event.userId === userId) kicked = event.reason ?? 'no reason given';
    else show(`${event.userId} was disconnected${event.reason ? `: ${event.reason}` : ''}`, true);
  });
  room.addListener('disconnect', (reason) => setStatus('disconnected', kicked ? `You were disconnected: ${kicked}` : `disconnected (${reason})`));
  byId<HTMLFormElement>('send').addEventListener('submit', (submit) => {
    submit.preventDefault();
    const text = content.value.trim();
    if (!text) return;
    content.value = '';
    room.sendMessage(new SendMessageRequest(text)).catch((error: { errorMessage?: string }) => show(`not sent: ${error.errorMessage ?? String(error)}`, true));
  });
  room.connect();
}

void start();
