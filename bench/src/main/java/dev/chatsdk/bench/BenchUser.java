package dev.chatsdk.bench;

/** A user the generator connects as: the server's id for it and a bearer token. */
record BenchUser(String id, String token) {}
