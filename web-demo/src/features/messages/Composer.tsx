import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { client } from '../../app/services';

export const MAX_BODY_LENGTH = 4000;

/** The message input: Enter sends, Shift+Enter makes a new line; reports typing while used. */
export function Composer({ conversationId }: { conversationId: string }) {
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);

  function submit(e?: FormEvent) {
    e?.preventDefault();
    const body = text.trim();
    if (!body) return;
    client.send(conversationId, body);
    setText('');
    input.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  }

  return (
    <form onSubmit={submit} className="flex gap-2 p-2 border-t border-base-300 bg-base-100">
      <textarea
        ref={input}
        rows={1}
        className="textarea textarea-bordered flex-1 resize-none min-h-0"
        placeholder="Write a message"
        aria-label="Message"
        maxLength={MAX_BODY_LENGTH}
        value={text}
        data-testid="composer-input"
        onChange={(e) => {
          setText(e.target.value);
          client.setTyping(conversationId, e.target.value.length > 0);
        }}
        onBlur={() => client.setTyping(conversationId, false)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="btn btn-primary" disabled={!text.trim()} data-testid="composer-send">
        Send
      </button>
    </form>
  );
}
