import { splitLinks } from '../../lib/linkify';

/**
 * A message body as React text nodes: markup in a body shows as the characters typed. Only
 * http(s) URLs become links, opened in a new tab without access to this page.
 */
export function MessageBody({ body }: { body: string }) {
  return (
    <span className="whitespace-pre-wrap break-words" data-testid="message-body">
      {splitLinks(body).map((part, i) =>
        part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow" className="link">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </span>
  );
}
