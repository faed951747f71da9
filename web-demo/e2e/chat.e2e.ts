import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPng } from './png';
import { ServerProcess } from './server';

const RESULTS = fileURLToPath(new URL('../test-results', import.meta.url));
const JAR = process.env.CHAT_SERVER_JAR!;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT = 20_000;

let server: ServerProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];
const dialogs: string[] = [];
const pageErrors: string[] = [];
const cspViolations: string[] = [];

interface Person {
  username: string;
  name: string;
  page: Page;
  id?: string;
}
let alice: Person;
let bob: Person;
let carol: Person;

async function newPerson(username: string, name: string, viewport = { width: 1280, height: 800 }): Promise<Person> {
  const context = await browser.newContext({ viewport, baseURL: server.baseUrl });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(`${username}: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => pageErrors.push(`${username}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) cspViolations.push(`${username}: ${m.text()}`);
  });
  return { username, name, page };
}

async function shot(p: Person, name: string): Promise<void> {
  await p.page.screenshot({ path: resolve(RESULTS, `${name}.png`), fullPage: false });
}

async function signUp(p: Person): Promise<void> {
  await p.page.goto('/');
  await p.page.getByTestId('auth-mode-signup').click();
  await p.page.getByTestId('auth-username').fill(p.username);
  await p.page.getByTestId('auth-displayname').fill(p.name);
  await p.page.getByTestId('auth-password').fill('correct horse battery');
  await p.page.getByTestId('auth-submit').click();
  await p.page.getByTestId('nav-logout').waitFor({ timeout: WAIT });
  await p.page.locator('[data-testid=connection-banner]').waitFor({ state: 'detached', timeout: WAIT });
  p.id = await p.page.evaluate(async () => {
    const r = await fetch('/api/auth/me');
    return ((await r.json()) as { user: { id: string } }).user.id;
  });
}

/** Finds a person under People by searching their name, and waits for their presence state. */
async function findPerson(viewer: Person, other: Person, online: boolean): Promise<void> {
  const page = viewer.page;
  await page.getByTestId('tab-people').click();
  await page.getByTestId('search-input').fill(other.username);
  await page
    .locator(`[data-testid=person-item][data-username="${other.username}"] [data-testid=presence-dot][data-online="${online}"]`)
    .waitFor({ timeout: WAIT });
}

async function clearSearch(p: Person): Promise<void> {
  await p.page.getByTestId('search-input').fill('');
}

async function openChatWith(viewer: Person, other: Person): Promise<void> {
  await findPerson(viewer, other, true);
  await viewer.page.locator(`[data-testid=person-item][data-username="${other.username}"]`).click();
  await viewer.page.getByTestId('chat-title').filter({ hasText: other.name }).waitFor({ timeout: WAIT });
  await viewer.page.getByTestId('search-input').fill('');
}

async function openConversationTitled(viewer: Person, title: string): Promise<void> {
  await clearSearch(viewer);
  await viewer.page.getByTestId('tab-chats').click();
  await viewer.page.locator('[data-testid=conversation-item]', { hasText: title }).first().click({ timeout: WAIT });
  await viewer.page.getByTestId('chat-title').filter({ hasText: title }).waitFor({ timeout: WAIT });
}

async function send(p: Person, body: string): Promise<void> {
  await p.page.getByTestId('composer-input').fill(body);
  await p.page.getByTestId('composer-send').click();
}

type Status = 'sending' | 'failed' | 'sent' | 'seen' | 'delivered';

/**
 * Waits until a message with exactly this body is on screen, in a given status when asked
 * ("delivered" is sent or seen: the peer may read it before the check looks).
 */
async function seeMessage(p: Person, body: string, status?: Status): Promise<void> {
  const statuses = status === 'delivered' ? ['sent', 'seen'] : status ? [status] : [];
  await p.page.waitForFunction(
    ([text, wanted]) =>
      [...document.querySelectorAll('[data-testid=message]')].some(
        (el) =>
          el.querySelector('[data-testid=message-body]')?.textContent === text &&
          (wanted.length === 0 || wanted.includes(el.getAttribute('data-status') ?? '')),
      ),
    [body, statuses] as const,
    { timeout: WAIT },
  );
}

/** Waits until none of this page's sends is still waiting for the server. */
async function settled(p: Person): Promise<void> {
  await p.page.locator('[data-testid=message][data-status=sending]').first().waitFor({ state: 'detached', timeout: WAIT });
}

async function messageBodies(p: Person): Promise<string[]> {
  return p.page.locator('[data-testid=message-list] [data-testid=message-body]').allTextContents();
}

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  server = new ServerProcess(JAR, resolve(RESULTS, 'server.log'));
  await server.start();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const suffix = Date.now().toString(36).slice(-4);
  alice = await newPerson(`alice${suffix}`, 'Alice Example');
  bob = await newPerson(`bob${suffix}`, 'Bob Example');
  carol = await newPerson(`carol${suffix}`, 'Carol Example', { width: 390, height: 760 });
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await server?.dispose();
});

describe('web demo in Chromium against the real server', () => {
  it('serves the app under a Content-Security-Policy', async () => {
    const res = await fetch(`${server.baseUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src/);
  });

  it('signs up two users who see each other come online', async () => {
    await signUp(alice);
    await shot(alice, '01-signed-in');
    await signUp(bob);
    await findPerson(alice, bob, true);
    await findPerson(bob, alice, true);
    await shot(alice, '02-people-online');
  });

  it('exchanges messages both ways in real time, with unread badge, typing and seen', async () => {
    await openChatWith(alice, bob);
    await send(alice, 'Hello Bob, visit https://example.org/docs');
    await seeMessage(alice, 'Hello Bob, visit https://example.org/docs', 'sent');

    // Bob has the conversation listed with an unread badge before opening it.
    await clearSearch(bob);
    await bob.page.getByTestId('tab-chats').click();
    const row = bob.page.locator('[data-testid=conversation-item]', { hasText: alice.name });
    await row.locator('[data-testid=unread-badge]').filter({ hasText: '1' }).waitFor({ timeout: WAIT });
    await row.click();
    await seeMessage(bob, 'Hello Bob, visit https://example.org/docs');
    const link = bob.page.locator('[data-testid=message-body] a').first();
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await link.getAttribute('href')).toBe('https://example.org/docs');

    // Bob opened it: Alice sees "seen".
    await seeMessage(alice, 'Hello Bob, visit https://example.org/docs', 'seen');

    // Typing indicator.
    await bob.page.getByTestId('composer-input').fill('typing something');
    await alice.page.getByTestId('typing-indicator').filter({ hasText: bob.name }).waitFor({ timeout: WAIT });
    await shot(alice, '03-typing');
    await bob.page.getByTestId('composer-send').click();
    await seeMessage(alice, 'typing something');
    await alice.page.getByTestId('typing-indicator').waitFor({ state: 'detached', timeout: WAIT });

    for (let i = 1; i <= 3; i++) {
      await send(alice, `ping ${i}`);
      await send(bob, `pong ${i}`);
    }
    await seeMessage(bob, 'ping 3');
    await seeMessage(alice, 'pong 3');
    await settled(alice);
    await settled(bob);
    expect(await messageBodies(alice)).toEqual(await messageBodies(bob));
    await shot(bob, '04-chat');
  });

  it('renders an HTML message body as text and runs nothing', async () => {
    const payload = '<img src=x onerror=alert(1)>';
    await send(alice, payload);
    await seeMessage(bob, payload);
    expect(await bob.page.locator('[data-testid=message-list] img[src="x"]').count()).toBe(0);
    await bob.page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });

  it('creates a group with a third user, who sees it on a phone-sized screen', async () => {
    await signUp(carol);
    await alice.page.getByTestId('tab-people').click();
    await alice.page.getByTestId('search-input').fill(carol.username);
    await alice.page.locator(`[data-testid=person-item][data-username="${carol.username}"]`).waitFor({ timeout: WAIT });
    await alice.page.getByTestId('search-input').fill('');
    await alice.page.getByTestId('new-group-button').click();
    await alice.page.getByTestId('group-title').fill('Weekend plans');
    await alice.page.locator(`[data-testid=group-member-option][data-username="${bob.username}"]`).check();
    await alice.page.locator(`[data-testid=group-member-option][data-username="${carol.username}"]`).check();
    await shot(alice, '05-new-group');
    await alice.page.getByTestId('group-create').click();
    await alice.page.getByTestId('chat-title').filter({ hasText: 'Weekend plans' }).waitFor({ timeout: WAIT });
    await send(alice, 'Group hello');
    await seeMessage(alice, 'Group hello', 'delivered');

    await openConversationTitled(carol, 'Weekend plans');
    await seeMessage(carol, 'Group hello');
    await send(carol, 'Hi all');
    await openConversationTitled(bob, 'Weekend plans');
    await seeMessage(bob, 'Hi all');
    await seeMessage(alice, 'Hi all');
    await shot(carol, '06-group-phone');
  });

  it('loads older history by pages, in order and without duplicates', async () => {
    const groupId = await alice.page.evaluate(async () => {
      const r = await fetch('/api/conversations');
      const list = (await r.json()) as { conversations: { conversation: { id: string; title?: string } }[] };
      return list.conversations.find((c) => c.conversation.title === 'Weekend plans')!.conversation.id;
    });
    const status = await alice.page.evaluate(async (id) => {
      const codes: number[] = [];
      for (let i = 1; i <= 40; i++) {
        const r = await fetch(`/api/conversations/${id}/messages`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ clientMsgId: `bulk-${i}-${crypto.randomUUID()}`, body: `bulk ${i}` }),
        });
        codes.push(r.status);
      }
      return codes;
    }, groupId);
    expect(status.every((c) => c === 201 || c === 200)).toBe(true);
    await seeMessage(bob, 'bulk 40');

    await bob.page.reload();
    await openConversationTitled(bob, 'Weekend plans');
    await seeMessage(bob, 'bulk 40');
    expect(await bob.page.locator('[data-testid=message-list] [data-testid=message]').count()).toBeLessThan(42);
    for (let i = 0; i < 5 && !(await messageBodies(bob)).includes('Group hello'); i++) {
      await bob.page.getByTestId('message-list').evaluate((el) => (el.scrollTop = 0));
      await bob.page.waitForTimeout(400);
    }
    const bodies = await messageBodies(bob);
    expect(bodies).toEqual(['Group hello', 'Hi all', ...Array.from({ length: 40 }, (_, i) => `bulk ${i + 1}`)]);
    await bob.page.getByTestId('day-separator').first().waitFor({ timeout: WAIT });
  });

  it('lets the group admin make a member admin, who then sees the admin controls', async () => {
    await openConversationTitled(alice, 'Weekend plans');
    await alice.page.getByTestId('members-button').click();
    const bobRow = alice.page.locator('[data-testid=member-row]', { hasText: bob.name });
    await bobRow.getByRole('button', { name: `Make ${bob.name} admin` }).click();
    await bobRow.getByTestId('admin-badge').waitFor({ timeout: WAIT });
    await alice.page.getByTestId('members-dialog').getByRole('button', { name: 'Close' }).click();

    // Bob's session hears of it (a `role_changed` frame): his dialog now offers admin actions.
    await openConversationTitled(bob, 'Weekend plans');
    await bob.page.getByTestId('members-button').click();
    const dialog = bob.page.getByTestId('members-dialog');
    await dialog.getByRole('button', { name: 'Step down as admin' }).waitFor({ timeout: WAIT });
    await dialog.getByRole('button', { name: `Remove ${carol.name}` }).waitFor({ timeout: WAIT });
    await dialog.getByRole('button', { name: 'Step down as admin' }).click();
    await dialog.getByRole('button', { name: `Remove ${carol.name}` }).waitFor({ state: 'detached', timeout: WAIT });
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('lets the group admin remove a member, whose list then drops the group', async () => {
    await openConversationTitled(alice, 'Weekend plans');
    await alice.page.getByTestId('members-button').click();
    const carolRow = alice.page.locator('[data-testid=member-row]', { hasText: carol.name });
    await carolRow.getByRole('button', { name: `Remove ${carol.name}` }).click();
    await carolRow.waitFor({ state: 'detached', timeout: WAIT });
    await alice.page.getByTestId('members-dialog').getByRole('button', { name: 'Close' }).click();
    await carol.page
      .locator('[data-testid=conversation-item]', { hasText: 'Weekend plans' })
      .waitFor({ state: 'detached', timeout: WAIT });
    await alice.page.getByTestId('chat-subtitle').filter({ hasText: '2 members' }).waitFor({ timeout: WAIT });
  });

  it('uploads an avatar that the other user then sees', async () => {
    await alice.page.getByTestId('nav-profile').click();
    await alice.page.getByTestId('member-since').waitFor({ timeout: WAIT });
    await alice.page.getByTestId('avatar-file').setInputFiles({
      name: 'me.png',
      mimeType: 'image/png',
      buffer: solidPng(64, 64, [220, 40, 90]),
    });
    await alice.page.getByTestId('avatar-preview').waitFor({ timeout: WAIT });
    await alice.page.getByTestId('avatar-upload').click();
    const own = alice.page.locator('[data-testid=profile-page] img[data-testid=avatar-img]');
    await own.waitFor({ timeout: WAIT });
    await own.evaluate((el) => (el as HTMLImageElement).decode());
    await shot(alice, '07-profile');

    // Bob shares a conversation with Alice: the server tells his session (a `user` frame).
    await bob.page.getByTestId('tab-people').click();
    await bob.page.getByTestId('search-input').fill(alice.username);
    const img = bob.page.locator(`[data-testid=person-item][data-username="${alice.username}"] img[data-testid=avatar-img]`);
    await img.waitFor({ timeout: WAIT });
    expect(await img.getAttribute('src')).toContain(`/api/users/${alice.id}/avatar`);
    const loaded = await img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0);
    expect(loaded).toBe(true);
    await bob.page.getByTestId('search-input').fill('');
  });

  it('loses nothing on screen when the server restarts mid-conversation', async () => {
    await alice.page.getByTestId('nav-chats').click();
    await openConversationTitled(alice, bob.name);
    await openConversationTitled(bob, alice.name);
    await seeMessage(bob, 'pong 3');
    const before = await messageBodies(bob);

    await server.stop();
    await alice.page.getByTestId('connection-banner').waitFor({ timeout: WAIT });
    await bob.page.getByTestId('connection-banner').waitFor({ timeout: WAIT });
    await send(alice, 'sent while the server was down');
    await seeMessage(alice, 'sent while the server was down', 'sending');
    await shot(alice, '08-offline');

    await server.start();
    await alice.page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 45_000 });
    await bob.page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 45_000 });
    await seeMessage(alice, 'sent while the server was down', 'delivered');
    await seeMessage(bob, 'sent while the server was down');
    await send(bob, 'back again');
    await seeMessage(alice, 'back again');
    await settled(bob);

    const after = await messageBodies(bob);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toEqual(['sent while the server was down', 'back again']);
    expect(await messageBodies(alice)).toEqual(after);
    // A reload shows the same conversation from the server's store.
    await bob.page.reload();
    await openConversationTitled(bob, alice.name);
    await seeMessage(bob, 'back again');
    expect(await messageBodies(bob)).toEqual(after);
  }, 120_000);

  it('edits and deletes an own message, seen by the other side', async () => {
    const own = alice.page.locator('[data-testid=message][data-own=true]', { hasText: 'sent while the server was down' });
    await own.hover();
    await own.getByTestId('edit-button').click();
    await alice.page.getByTestId('edit-input').fill('edited after the restart');
    await alice.page.getByTestId('edit-input').press('Enter');
    await seeMessage(bob, 'edited after the restart');
    expect(await messageBodies(bob)).not.toContain('sent while the server was down');

    const ping = alice.page.locator('[data-testid=message][data-own=true]', { hasText: 'ping 2' });
    await ping.hover();
    await ping.getByTestId('delete-button').click();
    await bob.page.locator('[data-testid=message][data-deleted=true]').first().waitFor({ timeout: WAIT });
    expect(await messageBodies(bob)).not.toContain('ping 2');
    expect(await messageBodies(alice)).toEqual(await messageBodies(bob));
  });

  it('logs out and is shown offline to the other user', async () => {
    await alice.page.locator('[data-testid=chat-subtitle] [data-testid=last-seen][data-online="true"]').waitFor({ timeout: WAIT });
    await bob.page.getByTestId('nav-logout').click();
    await bob.page.getByTestId('auth-form').waitFor({ timeout: WAIT });
    await alice.page.locator('[data-testid=chat-subtitle] [data-testid=last-seen][data-online="false"]').waitFor({ timeout: WAIT });
    await shot(alice, '09-peer-offline');
    // The cookie is gone: a reload stays on the sign-in form, and nothing secret is in storage.
    await bob.page.reload();
    await bob.page.getByTestId('auth-form').waitFor({ timeout: WAIT });
    const stored = await bob.page.evaluate(() => Object.keys(localStorage));
    expect(stored.filter((k) => k !== 'chat.theme')).toEqual([]);
  });

  it('remembers the theme picked in settings on this device', async () => {
    await carol.page.getByTestId('nav-settings').click();
    await carol.page.getByTestId('theme-select').selectOption('dark');
    await carol.page.reload();
    await carol.page.getByTestId('nav-logout').waitFor({ timeout: WAIT });
    expect(await carol.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await carol.page.getByTestId('nav-settings').click();
    await shot(carol, '10-settings-dark-phone');
  });

  it('ran without page errors, dialogs or CSP violations', () => {
    expect(server.unexpectedExit).toBeNull();
    expect(pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
