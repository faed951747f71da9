// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { MessageBody } from './MessageBody';

afterEach(cleanup);

describe('MessageBody', () => {
  it('renders an HTML body as its text, creating no elements', () => {
    const body = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const { container } = render(<MessageBody body={body} />);
    const span = container.querySelector('[data-testid="message-body"]')!;
    expect(span.textContent).toBe(body);
    expect(span.querySelector('img, script')).toBeNull();
    expect(span.children).toHaveLength(0);
  });

  it('renders http links as links that cannot reach this page', () => {
    const { container } = render(<MessageBody body="go to https://example.org now" />);
    const a = container.querySelector('a')!;
    expect(a.getAttribute('href')).toBe('https://example.org/');
    expect(a.getAttribute('target')).toBe('_blank');
    expect(a.getAttribute('rel')).toContain('noopener');
    expect(a.getAttribute('rel')).toContain('noreferrer');
    expect(container.textContent).toBe('go to https://example.org now');
  });

  it('does not link javascript: URLs', () => {
    const { container } = render(<MessageBody body="javascript:alert(1)" />);
    expect(container.querySelector('a')).toBeNull();
  });
});
