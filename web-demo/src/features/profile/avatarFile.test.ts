import { describe, expect, it } from 'vitest';
import { avatarFileError, MAX_AVATAR_BYTES } from './ProfilePage';

describe('avatarFileError', () => {
  it('accepts common image types up to 5 MiB', () => {
    expect(avatarFileError({ type: 'image/png', size: 1024 })).toBeNull();
    expect(avatarFileError({ type: 'image/jpeg', size: MAX_AVATAR_BYTES })).toBeNull();
  });
  it('refuses other types and larger files with a message', () => {
    expect(avatarFileError({ type: 'image/svg+xml', size: 10 })).toMatch(/PNG, JPEG/);
    expect(avatarFileError({ type: 'image/webp', size: 10 })).toMatch(/PNG, JPEG/);
    expect(avatarFileError({ type: 'image/png', size: MAX_AVATAR_BYTES + 1 })).toMatch(/5 MiB/);
  });
});
