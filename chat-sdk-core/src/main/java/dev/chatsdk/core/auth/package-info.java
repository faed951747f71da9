/**
 * Authentication: JWT issuing and verification ({@link dev.chatsdk.core.auth.JwtTokenIssuer},
 * {@link dev.chatsdk.core.auth.JwtAuthenticator}), Argon2id password hashing on a bounded executor
 * ({@link dev.chatsdk.core.auth.Argon2idPasswordHasher}, {@link
 * dev.chatsdk.core.auth.PasswordHashing}) and the account flows a server exposes over REST ({@link
 * dev.chatsdk.core.auth.AccountService}: signup, login with throttling, logout, password change).
 */
@NullMarked
package dev.chatsdk.core.auth;

import org.jspecify.annotations.NullMarked;
